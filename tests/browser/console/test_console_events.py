"""The Events page (issue 21 point 3), at 1440x900 in English and Arabic: hazard events from
the feeds in my jurisdiction with their level colour and the people counted in the area, and
one click to a draft alert or a pre-filled roll call over the event's area."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.console.conftest import Console
from tests.browser.console.test_console_safety import WIDE
from tests.conftest import writing

CAP = Path(__file__).resolve().parents[2] / "hazards" / "data" / "cap_polygon.xml"


@pytest.fixture(scope="module")
def paris_flood(console_app) -> Iterator[int]:
    """The CAP sample (a flood over central Paris) ingested once into the console app, closed
    afterwards: its banner must not reach the console tests that follow."""
    from server.db import db
    from server.hazards.ingest import ingest
    from server.hazards.tasks import count_events

    with writing(console_app):
        changed = ingest("browser-cap", "cap", CAP.read_bytes())["changed"]
        db.session.commit()
        count_events(changed)  # as the task does within a minute of arriving
        db.session.commit()
        db.session.remove()
    yield changed[0]
    from server.hazards.models import HazardEvent

    with console_app.app_context():
        db.session.get(HazardEvent, changed[0]).state = "closed"
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_events_page_lists_the_event_and_drafts_an_alert_and_a_roll_call(
        page, make_staff, paris_flood, artifacts, language):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff())
    if language == "ar":
        Console(page).arabic()
    page.click("#nav-events")
    row = page.locator(f"#event-table tr[data-id='{paris_flood}']")
    row.wait_for()
    assert row.locator(".badge").get_attribute("class").startswith("badge level-")
    assert row.locator("[data-count='people']").text_content().isdigit()
    assert "null" not in row.inner_text() and "undefined" not in row.inner_text()
    page.screenshot(path=str(artifacts / f"console-events-{language}.png"))

    row.locator("[data-action='draft-rollcall']").click()
    page.wait_for_selector("#area-list li[data-kind='polygon']")
    assert page.input_value("textarea[data-language='en']") != ""
    assert page.input_value("textarea[data-language='ar']") != ""

    page.click("#nav-events")
    page.locator(f"#event-table tr[data-id='{paris_flood}'] [data-action='draft-alert']").click()
    page.wait_for_selector("#composer-form #area-list li[data-kind='polygon']")
    page.wait_for_selector("#alert-state")
    assert console.errors == []


def in_language(page, language):
    if language == "ar":
        Console(page).arabic()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_events_map_shows_each_event_with_its_count_and_its_draft_actions(
        page, make_staff, paris_flood, artifacts, language):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff())
    in_language(page, language)
    page.click("#nav-events")
    page.wait_for_selector("#events-map[data-ready]")
    count = page.locator(f"#events-map .event-count[data-id='{paris_flood}']")
    row = page.locator(f"#event-table tr[data-id='{paris_flood}']")
    assert count.text_content() == row.locator("[data-count='people']").text_content()
    level = row.get_attribute("data-level")
    assert f"level-{level}" in count.get_attribute("class")
    area = page.locator(f"#events-map path.event-area-{level}").first
    assert area.get_attribute("stroke") == {"green": "#16a34a", "yellow": "#ca8a04",
                                            "orange": "#ea7a0c", "red": "#c8102e"}[level]
    box = area.bounding_box()
    assert box["width"] > 50 and box["height"] > 50  # the map is fitted to the area
    count.click()
    summary = page.locator(f".leaflet-popup .event-summary[data-id='{paris_flood}']")
    summary.wait_for()
    assert "null" not in summary.inner_text() and "undefined" not in summary.inner_text()
    page.screenshot(path=str(artifacts / f"console-events-map-{language}.png"))
    summary.locator("[data-action='draft-alert']").click()
    page.wait_for_selector("#composer-form #area-list li[data-kind='polygon']")
    assert console.errors == []


def count_a_traveler_in(console_app, event_id, lat=48.85, lon=2.35):
    """A traveler inside the event's area, then the count (which tells the consoles live)."""
    from datetime import date, timedelta

    from server.db import db
    from server.hazards.tasks import count_events
    from tests.hazards.conftest import traveler

    today = date.today()
    with console_app.app_context():
        traveler("FR", lat, lon, today - timedelta(days=1), today + timedelta(days=3))
        db.session.commit()
        count_events([event_id])
        db.session.remove()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_event_with_people_of_my_mission_shows_a_banner_on_every_page(
        page, make_staff, console_app, paris_flood, artifacts, language):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff())
    in_language(page, language)
    page.evaluate("() => sessionStorage.removeItem('console-hazards-seen')")
    page.goto("/console/#/rollcalls")
    page.wait_for_selector("section h1")
    page.evaluate("() => { document.getElementById('live-banner').hidden = true; }")
    count_a_traveler_in(console_app, paris_flood)  # live: no reload, no wait for the poll
    banner = page.locator("#live-banner[data-kind='hazard']:not([hidden])")
    banner.wait_for(timeout=5000)
    assert "Central Paris" in banner.inner_text() or "Paris" in banner.inner_text()
    assert page.get_attribute("#live-banner-link", "href") == "#/events"
    page.screenshot(path=str(artifacts / f"console-hazard-banner-{language}.png"))
    page.click("#live-banner-close")
    page.goto("/console/#/alerts")
    page.reload()  # a dismissed event's banner stays dismissed in this session
    page.wait_for_selector("section.alerts")
    page.wait_for_selector("#live-banner[data-hazard-checks]", state="attached")
    assert page.locator("#live-banner[data-kind='hazard']:not([hidden])").count() == 0
    assert console.errors == []


def test_another_mission_s_staff_get_no_banner(page, make_staff, console_app, paris_flood):
    count_a_traveler_in(console_app, paris_flood)
    console = Console(page)
    page.set_viewport_size(WIDE)
    with page.expect_response("**/api/staff/hazards/banner") as answer:
        console.sign_in(make_staff(embassy_key="jp-tokyo"))
    assert answer.value.json() == []
    page.wait_for_selector("#live-banner[data-hazard-checks]", state="attached")
    assert page.locator("#live-banner[data-kind='hazard']:not([hidden])").count() == 0
    assert console.errors == []
