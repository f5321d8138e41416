"""The SOS queue: a case raised through the API appears within seconds, on the list and the
map; its detail shows the traveler's contacts, trip and trail; it can be acknowledged."""
from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.browser.console.conftest import sos_case_id, traveler_with_device
from tests.pushreceiver import PushReceiver

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_new_sos_appears_in_the_queue_within_seconds_and_is_acknowledged(
        console, make_staff, console_app, artifacts):
    console.sign_in(make_staff(name="Marc Laurent"))
    page = console.page
    page.goto("/console/#/sos")
    page.wait_for_selector("#sos-map[data-ready]")
    with PushReceiver() as receiver:
        client, trip = traveler_with_device(console_app, receiver, "phone-sos")
    raised = client.post("/api/sos", json={
        "client_uuid": str(uuid.uuid4()), "raised_at": datetime.now(UTC).isoformat(),
        "lat": 48.8606, "lon": 2.3376, "accuracy": 25, "trip_id": trip["id"],
        "message": "Lost my passport and phone near the Louvre"})
    assert raised.status_code == 201, raised.json
    case_id = sos_case_id(console_app, client_uuid=raised.json["client_uuid"])
    position = client.post(f"/api/sos/{raised.json['client_uuid']}/positions", json={
        "recorded_at": datetime.now(UTC).isoformat(), "lat": 48.8584, "lon": 2.2945,
        "accuracy": 15})
    assert position.status_code in (200, 201), position.json
    page.wait_for_selector(f"#case-list li[data-state='open'][data-id='{case_id}']",
                           timeout=8000)
    assert page.locator(".sos-marker-open").count() >= 1
    page.click(f"#case-list li[data-id='{case_id}'] a")
    page.wait_for_selector("#case-state")
    assert "Lost my passport" in page.text_content("#case-detail")
    assert "+8613800138000" in page.text_content("#case-detail")
    assert "Paris" in page.text_content("#case-detail")
    assert page.locator(".sos-trail").count() == 1
    page.fill("#case-note", "Called back; meeting at the consulate at 10:00.")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#case-notes li")
    page.click("#acknowledge")
    page.wait_for_function(
        "() => document.querySelector('#case-state')?.textContent === 'Acknowledged'")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "console-sos.png"))
    from server.db import db
    from server.sos.models import SosCase

    with console_app.app_context():
        case = db.session.get(SosCase, case_id)
        assert case.state == "acknowledged" and case.acknowledged_by_id is not None
        db.session.remove()
    assert console.errors == []
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / "console-sos.png", DOCS / "console-sos.png")


def test_sos_from_the_phone_reaches_the_queue_and_the_acknowledgement_reaches_the_phone(
        console, make_staff, console_app, browser, base_url, artifacts):
    from tests.browser.conftest import PHONE, Traveler
    from tests.browser.test_sos import LOUVRE, hold, wait_state

    console.sign_in(make_staff(name="Marc Laurent"))
    desk = console.page
    desk.goto("/console/#/sos")
    desk.wait_for_selector("#sos-map[data-ready]")

    phone_context = browser.new_context(
        base_url=base_url, viewport=PHONE, device_scale_factor=1, has_touch=True, is_mobile=True,
        locale="en-GB", geolocation=LOUVRE, permissions=["geolocation", "background-sync"])
    phone = phone_context.new_page()
    traveler = Traveler(phone, console_app)
    traveler.sign_up(name="Li Wei")
    traveler.add_trip(country="FR", city="Paris")
    phone.clock.install()  # the SOS screen asks the server every 15 s: time is moved below
    hold(phone, "#sos-button")
    phone.click("#sos-send-now")
    wait_state(phone, "open")

    # Polling brings it to the desk within seconds, on the list and the map.
    case_id = sos_case_id(console_app, email=traveler.email)
    desk.wait_for_selector(f"#case-list li[data-state='open'][data-id='{case_id}']:has-text("
                           "'Li Wei')", timeout=8000)
    assert desk.locator(".sos-marker-open").count() >= 1
    desk.click(f"#case-list li[data-id='{case_id}'] a")
    desk.wait_for_selector("#acknowledge")
    desk.click("#acknowledge")
    desk.wait_for_function(
        "() => document.querySelector('#case-state')?.textContent === 'Acknowledged'")

    phone.clock.fast_forward(16_000)
    wait_state(phone, "acknowledged")
    assert "Received by Embassy in France (sample)." in phone.locator("#sos-panel").inner_text()
    phone.screenshot(path=str(artifacts / "console-sos-phone-acknowledged.png"))
    phone_context.close()
    assert console.errors == []


def test_a_traveler_name_with_markup_shows_as_text_on_the_sos_map(
        console, make_staff, console_app):
    """Leaflet writes a string tooltip with innerHTML: a name is handed over as text only."""
    name = 'Alice<img src=x onerror="window.__injected = 1">'
    console.sign_in(make_staff(name="Marc Laurent"))
    page = console.page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with PushReceiver() as receiver:
        client, trip = traveler_with_device(console_app, receiver, "phone-markup", person=name)
    raised = client.post("/api/sos", json={
        "client_uuid": str(uuid.uuid4()), "raised_at": datetime.now(UTC).isoformat(),
        "lat": 43.2965, "lon": 5.3698, "accuracy": 30, "trip_id": trip["id"]})
    assert raised.status_code == 201, raised.json
    case_id = sos_case_id(console_app, client_uuid=raised.json["client_uuid"])
    page.goto(f"/console/#/sos/{case_id}")
    page.wait_for_selector("#sos-map[data-ready]")
    page.wait_for_selector(f"#case-list li[data-id='{case_id}']", timeout=8000)
    # The open case's marker is the larger one (radius 10): open its tooltip as a hover does.
    page.wait_for_function("() => document.querySelectorAll('.sos-marker').length > 0")
    shown = page.evaluate("""() => {
        const markers = [...document.querySelectorAll('path.sos-marker')];
        const box = (m) => m.getBoundingClientRect();
        const open = markers.sort((a, b) => box(b).width - box(a).width)[0];
        open.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
        const tip = document.querySelector('.leaflet-tooltip');
        return tip && {text: tip.textContent, elements: tip.querySelectorAll('*').length};
    }""")
    assert shown is not None
    assert name in shown["text"]
    # One span (the text holder) and nothing made from the name.
    assert shown["elements"] == 1
    assert page.locator("#sos-map img:not(.leaflet-tile), #case-list img, #case-detail img"
                        ).count() == 0
    assert name in page.text_content(f"#case-list li[data-id='{case_id}']")
    assert name in page.text_content("#case-detail")
    page.wait_for_timeout(300)  # an injected <img src=x> would have failed to load by now
    assert page.evaluate("() => window.__injected") is None
    assert dialogs == [] and console.errors == []
