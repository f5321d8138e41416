"""Issue 20, points 6 and 7: settings change the name, the phone number and the password
(other sessions end); the location setting says what it does, and without it no trail is sent."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.test_screens import choose_language
from tests.browser.test_sos import LOUVRE, hold, server_cases, wait_state

PASSWORD = "correct horse battery"  # noqa: S105 (the Traveler helper's)
NEW_PASSWORD = "purple elephant mountain 42"  # noqa: S105


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844},
            "geolocation": LOUVRE, "permissions": ["geolocation", "background-sync"]}


def user_row(live_app, email):
    from server.accounts.models import User
    from server.db import db

    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        row = {"name": user.name, "phone": user.phone}
        db.session.remove()
        return row


def sms_code(page, live_app, number):
    """The code texted to ``number`` (the SMS goes out from a task: wait for it)."""
    from server.sms.gateway import FileOutbox
    from server.sms.outbox import outbox_directory

    with live_app.app_context():
        directory = outbox_directory()
    for _attempt in range(100):
        sent = [m for m in FileOutbox(directory).messages() if m["to"] == number]
        if sent:
            return re.search(r"(?<!\d)(\d{6})(?!\d)", sent[-1]["text"]).group(1)
        page.wait_for_timeout(200)
    raise AssertionError(f"no code texted to {number}")


def verified(live_app, email):
    from server.accounts.models import User
    from server.db import db

    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        result = user.phone_verified
        db.session.remove()
        return result


@pytest.mark.parametrize(("language", "digits"), [("en", "78"), ("ar", "79")])
def test_settings_change_name_phone_and_password(page, browser, base_url, traveler,
                                                 live_app, artifacts, language, digits):
    choose_language(page, language)
    traveler.sign_up()
    other = browser.new_context(base_url=base_url)
    other_page = other.new_page()
    other_page.goto("/#/login")
    other_page.wait_for_selector('[data-path="email"]')
    other_page.fill('[data-path="email"]', traveler.email)
    other_page.fill('[data-path="password"]', PASSWORD)
    other_page.click("form button[type=submit]")
    other_page.wait_for_function("() => location.hash === '#/trips'")

    page.goto("/#/settings")
    form = page.locator("#profile-form")
    form.locator('[data-path="name"]').fill("")
    form.locator("button[type=submit]").click()
    page.wait_for_selector('#profile-form [data-path="name"][aria-invalid="true"]')
    form.locator('[data-path="name"]').fill("Li Wei Chen")
    form.locator('[data-path="phone"]').fill("+33 6 12 34 56 " + digits)
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelector('#profile-form [data-path=phone]').value"
        " === '+33 6 12 34 56 " + digits + "'"
        " && !document.querySelector('#profile-form [aria-invalid]')")
    number = "+336123456" + digits
    assert user_row(live_app, traveler.email) == {"name": "Li Wei Chen", "phone": number}
    # The new number is confirmed by a code sent to it.
    page.wait_for_selector('#phone-check [data-path="code"]')
    page.fill('#phone-check [data-path="code"]', sms_code(page, live_app, number))
    page.click("#phone-check button[type=submit]")
    page.wait_for_selector("#phone-check .notice")
    assert verified(live_app, traveler.email)

    pw = page.locator("#password-form")
    pw.locator('[data-path="current_password"]').fill("not my password at all")
    pw.locator('[data-path="new_password"]').fill(NEW_PASSWORD)
    pw.locator("button[type=submit]").click()
    page.wait_for_selector('#password-form [aria-invalid="true"]')
    pw.locator('[data-path="current_password"]').fill(PASSWORD)
    pw.locator("button[type=submit]").click()
    page.wait_for_function("() => !document.querySelector('#password-form [aria-invalid]')"
                           " && !document.querySelector('[data-path=current_password]').value")
    page.screenshot(path=str(artifacts / f"settings-account-{language}.png"), full_page=True)
    # This session goes on; the other one has ended.
    assert page.request.get("/api/me").status == 200
    assert other_page.request.get("/api/me").status == 401
    other.close()


def test_without_location_consent_an_sos_has_its_position_but_no_trail(page, context, traveler,
                                                                      live_app):
    from server.db import db
    from server.sos.models import SosPosition

    traveler.sign_up()
    page.goto("/#/settings")
    page.wait_for_selector("#consent-toggle")
    assert not page.is_checked("#consent-toggle")
    hint = page.locator("#consent-toggle ~ .hint").inner_text()
    assert "Every SOS sends your position" in hint
    page.clock.install()
    hold(page, "#sos-button")
    page.click("#sos-send-now")
    wait_state(page, "open")
    context.set_geolocation({"latitude": 48.8738, "longitude": 2.2950, "accuracy": 40})
    page.clock.fast_forward(181_000)
    page.wait_for_timeout(1000)
    [case] = server_cases(live_app, traveler.email)
    assert (case["lat"], case["lon"]) == (48.8606, 2.3376)
    with live_app.app_context():
        trail = db.session.scalars(select(SosPosition).where(
            SosPosition.case_id == case["id"])).all()
        db.session.remove()
    assert len(trail) <= 1  # at most the SOS's own fix, never a later point
    assert all((p.lat, p.lon) == (48.8606, 2.3376) for p in trail)


def test_every_alert_by_email_is_a_switch_that_is_saved(page, traveler, live_app):
    from server.accounts.models import User
    from server.db import db

    traveler.sign_up()
    page.goto("/#/settings")
    page.wait_for_selector("#email-all-toggle")
    assert not page.is_checked("#email-all-toggle")
    assert "Severe and Extreme" in page.locator("#email-all-toggle ~ .hint").inner_text()
    page.check("#email-all-toggle")
    page.wait_for_function("() => document.body.innerText.includes('Saved.')")
    with live_app.app_context():
        assert db.session.scalar(select(User.email_all_alerts).where(
            User.email == traveler.email)) is True
        db.session.remove()
    page.reload()
    page.wait_for_selector("#email-all-toggle")
    assert page.is_checked("#email-all-toggle")
