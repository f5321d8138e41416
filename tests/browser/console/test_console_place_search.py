"""The area editor's place search: a city found by name centres the circle on it."""
from __future__ import annotations


def _circle_on_paris(console):
    page = console.page
    page.goto("/console/#/alerts/new")
    page.wait_for_selector("#composer-map[data-ready]")
    page.check("input[value='circle']")
    page.fill("#place-query", "巴黎")
    page.click("#place-find")
    page.click("#place-results li button >> nth=0")
    page.wait_for_function("() => document.querySelector('#circle-lat').value !== ''")
    return page


def test_a_searched_city_centres_the_circle(console, make_staff, artifacts):
    console.sign_in(make_staff())
    page = _circle_on_paris(console)
    assert abs(float(page.input_value("#circle-lat")) - 48.853) < 0.01
    assert abs(float(page.input_value("#circle-lon")) - 2.349) < 0.01
    page.fill("#circle-lat", "48.9")
    page.dispatch_event("#circle-lat", "change")
    page.fill("#circle-radius", "20")
    page.click("#circle-add")
    assert "48.900" in page.inner_text("#area-list li[data-kind='circle']")
    page.screenshot(path=str(artifacts / "console-place-search.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    _circle_on_paris(console)
    page.screenshot(path=str(artifacts / "console-place-search-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.select_option("#language", "ar")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    _circle_on_paris(console)
    assert "باريس" in page.inner_text("#circle-bar") or page.input_value("#circle-lat")
    page.screenshot(path=str(artifacts / "console-place-search-ar.png"))
    assert console.errors == []
