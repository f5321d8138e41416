"""Issue 20, point 4: the SOS button never hides what a person must read or press. On every
screen, at 360 and 390 px, in English and Arabic: the button sits in the bottom bar (it does
not float over the screen), and each focusable element and each warning, once scrolled to
(as the browser scrolls to a focused field), lies clear of the button and of the bar."""
from __future__ import annotations

import pytest

from tests.browser.test_screens import choose_language

# For each element: scroll it into view from below (like Tab does), then compare rectangles.
CHECK = """() => {
  const button = document.getElementById('sos-button');
  const bar = document.getElementById('bottom-bar').getBoundingClientRect();
  const problems = [];
  const shown = !button.hidden && button.getClientRects().length > 0;
  const b = shown ? button.getBoundingClientRect() : null;
  if (b && (b.top < bar.top - 0.5 || b.bottom > bar.bottom + 0.5)) problems.push('button floats');
  const wanted = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]),'
    + ' .notice, [role=alert], .hint, .confirm p';
  for (const el of document.querySelectorAll('main ' + wanted.split(',').join(', main '))) {
    if (!el.getClientRects().length || el.closest('[hidden]')) continue;
    el.scrollIntoView({ block: 'end' });
    const r = el.getBoundingClientRect();
    const name = el.tagName + (el.id ? '#' + el.id : '') + ' '
      + (el.textContent || '').trim().slice(0, 30);
    if (r.height > innerHeight - bar.height) continue;  // taller than the screen: read by scrolling
    if (r.bottom > bar.top + 0.5) problems.push('under the bar: ' + name);
    if (b && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top) {
      problems.push('under the SOS button: ' + name);
    }
  }
  scrollTo(0, 0);
  return problems;
}"""


def check(page, artifacts, name):
    page.wait_for_load_state("networkidle")
    problems = page.evaluate(CHECK)
    assert problems == [], f"{name}: {problems}"
    page.evaluate("() => scrollTo(0, document.documentElement.scrollHeight)")
    page.screenshot(path=str(artifacts / f"overlap-{name}.png"))


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_nothing_lies_under_the_sos_button_on_any_screen(page, traveler, artifacts, language,
                                                        width):
    page.set_viewport_size({"width": width, "height": 780 if width == 360 else 844})
    tag = f"{language}-{width}"
    choose_language(page, language)
    check(page, artifacts, f"welcome-{tag}")
    for screen in ("signup", "login"):
        page.goto(f"/#/{screen}")
        page.wait_for_selector("form")
        page.click("form button[type=submit]")  # the warnings of an empty form too
        page.wait_for_selector(".notice-error")
        check(page, artifacts, f"{screen}-{tag}")
    for screen, ready in (("forgot", "#forgot-form"), ("reset?token=x", "#reset-form")):
        page.goto(f"/#/{screen}")
        page.wait_for_selector(ready)
        check(page, artifacts, f"{screen.split('?')[0]}-{tag}")
    traveler.sign_up()
    traveler.add_trip(country="FR", city="Paris")
    trip_url = page.url
    page.get_by_role("button", name=page.locator(".danger-outline").inner_text()).click()
    page.wait_for_selector(".confirm:not([hidden])")
    check(page, artifacts, f"trip-delete-{tag}")
    page.goto(trip_url.replace("#/trips/", "#/trips/") + "/edit")
    page.wait_for_selector('[data-path="legs.0.country"]')
    check(page, artifacts, f"trip-form-{tag}")
    for screen, ready in (("trips", "#trip-list"), ("alerts", "h1"), ("settings", "#push-toggle"),
                          ("sos", "#sos-hold")):
        page.goto(f"/#/{screen}")
        page.wait_for_selector(ready)
        check(page, artifacts, f"{screen}-{tag}")


def test_the_check_catches_a_floating_button(page, traveler):
    """The check itself: the old layout (a button floating above the tabs) fails it."""
    traveler.sign_up()
    page.goto("/#/settings")
    page.wait_for_selector("#push-toggle")
    page.evaluate("() => Object.assign(document.getElementById('sos-button').style,"
                  " {position: 'fixed', insetInlineEnd: '1rem', insetBlockEnd: '5rem'})")
    problems = page.evaluate(CHECK)
    assert "button floats" in problems
    assert any(problem.startswith("under the SOS button") for problem in problems)
