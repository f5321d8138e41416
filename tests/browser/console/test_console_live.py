"""The live console: an SOS raised while the officer is on another page shows on the nav, in
the tab title and in a banner within 2 seconds, without a reload (server-sent events)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.browser.console.conftest import sos_case_id, traveler_with_device
from tests.pushreceiver import PushReceiver


def test_sos_raised_while_on_alerts_page_shows_badge_title_and_banner_within_two_seconds(
        console, make_staff, console_app, artifacts):
    console.sign_in(make_staff(name="Marc Laurent"))
    page = console.page
    page.wait_for_function("() => document.getElementById('sos-count') !== null")
    before = int(page.text_content("#sos-count") or 0)
    page.evaluate("() => document.querySelector('section.alerts').dataset.marker = 'same'")
    with PushReceiver() as receiver:
        client, trip = traveler_with_device(console_app, receiver, "phone-live")
    raised = client.post("/api/sos", json={
        "client_uuid": str(uuid.uuid4()), "raised_at": datetime.now(UTC).isoformat(),
        "lat": 48.8606, "lon": 2.3376, "accuracy": 25, "trip_id": trip["id"],
        "message": "Help"})
    assert raised.status_code == 201, raised.json
    case_id = sos_case_id(console_app, client_uuid=raised.json["client_uuid"])
    page.wait_for_selector("#live-banner:not([hidden])", timeout=2000)
    page.wait_for_function(
        f"() => Number(document.getElementById('sos-count').textContent) === {before + 1}",
        timeout=2000)
    assert page.title().startswith(f"({before + 1}) ")
    assert page.get_attribute("#live-banner-link", "href") == f"#/sos/{case_id}"
    assert page.locator("section.alerts[data-marker='same']").count() == 1  # no reload
    page.screenshot(path=str(artifacts / "console-live-banner.png"))
    page.click("#mute")
    assert page.get_attribute("#mute", "aria-pressed") == "true"
    assert console.errors == []


def test_a_staff_lockout_shows_in_an_admins_console_at_once(
        console, make_staff, console_app):
    """Someone guessing an officer's password: every admin is told at once, live (the event has
    no mission, so only admins' streams carry it: tests/live)."""
    target = make_staff(name="Duty Officer")
    console.sign_in(make_staff(role="admin", name="Ada Admin"))
    page = console.page
    page.wait_for_function("() => document.getElementById('sos-count') !== null")
    guesser = console_app.test_client()
    guesser.get("/api/config")
    for _ in range(6):
        guesser.post("/api/staff/auth/login", json={"email": target, "password": "wrong guess"},
                     environ_base={"REMOTE_ADDR": "203.0.113.66"})
    page.wait_for_selector("#live-banner:not([hidden])", timeout=2000)
    assert page.get_attribute("#live-banner-link", "href") == "#/audit"
    assert "audit log" in page.text_content("#live-banner-link")
    assert console.errors == []
