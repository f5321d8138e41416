"""The Events page (issue 21 point 3), at 1440x900 in English and Arabic: hazard events from
the feeds in my jurisdiction with their level colour and the people counted in the area, and
one click to a draft alert or a pre-filled roll call over the event's area."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.console.conftest import Console
from tests.browser.console.test_console_safety import WIDE
from tests.conftest import writing

CAP = Path(__file__).resolve().parents[2] / "hazards" / "data" / "cap_polygon.xml"


@pytest.fixture(scope="module")
def paris_flood(console_app) -> int:
    """The CAP sample (a flood over central Paris) ingested once into the console app."""
    from server.db import db
    from server.hazards.ingest import ingest
    from server.hazards.tasks import count_events

    with writing(console_app):
        changed = ingest("browser-cap", "cap", CAP.read_bytes())["changed"]
        db.session.commit()
        count_events(changed)  # as the task does within a minute of arriving
        db.session.commit()
        db.session.remove()
    return changed[0]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_events_page_lists_the_event_and_drafts_an_alert_and_a_roll_call(
        page, make_staff, paris_flood, artifacts, language):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff())
    if language == "ar":
        page.evaluate("() => localStorage.setItem('compatriot.language', 'ar')")
        page.reload()
        page.wait_for_selector("html[dir='rtl']")
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
