"""Issue 20, point 9: the region picker grouped as the country groups its subdivisions, and
searchable; trip titles of one kind (cities, else countries)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.test_screens import choose_language


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_region_picker_is_grouped_and_searchable(page, traveler, artifacts, language):
    choose_language(page, language)
    traveler.sign_up()
    page.goto("/#/trips/new")
    page.wait_for_selector('[data-path="legs.0.country"]')
    page.select_option('[data-path="legs.0.country"]', "FR")
    region = '[data-path="legs.0.subdivision"]'
    page.wait_for_selector(f"{region} optgroup", state="attached")
    groups = page.eval_on_selector_all(f"{region} optgroup", "(gs) => gs.length")
    assert groups >= 13  # France's 13 metropolitan regions and the overseas ones
    # A department sits in its region's group, after the region itself.
    in_group = page.eval_on_selector(
        f"{region} option[value='FR-91']", "(o) => o.parentElement.firstElementChild.value")
    assert in_group == "FR-IDF"
    page.fill(".region-search", "essonn")
    assert page.input_value(region) == "FR-91"
    visible = page.eval_on_selector_all(f"{region} option[value]:not([value='']):not([hidden])",
                                        "(os) => os.map((o) => o.value)")
    assert visible == ["FR-91"]
    page.screenshot(path=str(artifacts / f"region-search-{language}.png"))


def test_trip_title_uses_cities_or_countries_never_a_mix(page, traveler):
    traveler.sign_up()
    traveler.add_trip(country="FR", city="Paris")
    assert page.locator("h1").inner_text() == "Paris"
    start = date.today() + timedelta(days=30)
    page.goto("/#/trips/new")
    page.wait_for_selector('[data-path="legs.0.country"]')
    page.select_option('[data-path="legs.0.country"]', "FR")
    page.wait_for_selector('[data-path="legs.0.subdivision"] optgroup', state="attached")
    page.select_option('[data-path="legs.0.subdivision"]', "FR-IDF")
    page.fill('[data-path="legs.0.start_date"]', start.isoformat())
    page.fill('[data-path="legs.0.end_date"]', (start + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Add another stay").click()
    page.select_option('[data-path="legs.1.country"]', "IT")
    page.fill('[data-path="legs.1.city"]', "Rome")
    page.fill('[data-path="legs.1.start_date"]', (start + timedelta(days=3)).isoformat())
    page.fill('[data-path="legs.1.end_date"]', (start + timedelta(days=6)).isoformat())
    page.fill('[data-path="emergency_contact.name"]', "Wang Fang")
    page.fill('[data-path="emergency_contact.phone"]', "+8613900139000")
    page.click("form button[type=submit]")
    page.wait_for_function("() => /^#\\/trips\\/\\d+$/.test(location.hash)")
    page.wait_for_selector(".mission")
    assert page.locator("h1").inner_text() == "France · Italy"


@pytest.mark.parametrize(("language", "expected"), [("en", "Choose a country."),
                                                    ("ar", "اختر بلدًا.")])
def test_an_empty_trip_form_says_choose_a_country(page, traveler, artifacts, language, expected):
    choose_language(page, language)
    traveler.sign_up()
    page.goto("/#/trips/new")
    page.wait_for_selector('[data-path="legs.0.country"]')
    page.click("form button[type=submit]")
    page.wait_for_selector('[data-path="legs.0.country"][aria-invalid="true"]')
    error_id = page.get_attribute('[data-path="legs.0.country"]', "data-error-id")
    assert page.locator(f"#{error_id}").inner_text() == expected
    page.screenshot(path=str(artifacts / f"trip-form-errors-{language}.png"))
