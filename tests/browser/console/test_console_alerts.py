"""Compose an alert on the map, count its audience, have a second officer approve it, send it
and watch delivery reach 100 % at the local push receiver (which decrypts every message)."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.browser.console.conftest import STAFF_PASSWORD, Console, traveler_with_device
from tests.pushreceiver import PushReceiver

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_severe_alert_composed_on_the_map_needs_a_second_officer_then_reaches_every_phone(
        console, make_staff, console_app, browser, base_url, artifacts):
    from server.devices.keys import public_key

    with console_app.app_context():
        key = public_key()
    drafter, approver = make_staff(name="Chen Jing"), make_staff(name="Marie Dubois")
    with PushReceiver(expected_vapid_public_key=key) as receiver:
        traveler_with_device(console_app, receiver, "phone-paris")
        traveler_with_device(console_app, receiver, "phone-lyon", city="Lyon",
                             person="Zhang Min")

        console.sign_in(drafter)
        page = console.page
        page.goto("/console/#/alerts/new")
        page.wait_for_selector("#composer-map[data-ready]")
        page.click("#composer-map")  # the map opens on the jurisdiction: this is France
        page.wait_for_selector("#area-list li[data-kind='country']")
        assert "France" in page.text_content("#area-list")
        page.fill('[data-path="event"]', "Civil unrest")
        page.select_option("#severity", "Severe")
        page.select_option('[data-path="urgency"]', "Immediate")
        page.fill("#panel-en [data-field='headline']", "Stay indoors tonight")
        page.fill("#panel-en [data-field='description']",
                  "Protests are expected in central Paris and Lyon. Avoid crowds.")
        page.click("#tab-zh_Hans")
        page.fill("#panel-zh_Hans [data-field='headline']", "今晚请待在室内")
        page.fill("#panel-zh_Hans [data-field='description']", "巴黎和里昂市中心预计有抗议活动。")
        assert page.text_content("#notification-preview .np-title") == "今晚请待在室内"
        page.click("#tab-en")
        page.click("#save-draft")
        page.wait_for_function(
            "() => document.querySelector('#audience-devices')?.textContent === '2'")
        assert page.text_content("#audience-travelers") == "2"
        assert page.is_visible("#two-person")
        assert page.locator("#approve").count() == 0 and page.locator("#send").count() == 0
        alert_id = page.evaluate("() => location.hash.split('/')[2]")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(artifacts / "console-composer.png"))

        # The second person, in another browser.
        other = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
        second = Console(other.new_page())
        second.sign_in(approver)
        second.page.goto(f"/console/#/alerts/{alert_id}")
        second.page.click("#approve")
        second.page.wait_for_function(
            "() => document.querySelector('#alert-state')?.textContent === 'Approved'")
        assert second.errors == []
        other.close()

        page.reload()
        page.wait_for_selector("#send")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#send")
        page.wait_for_selector("#delivery-chart")
        page.wait_for_selector("#progress-percent[data-done='true']", timeout=30000)
        assert page.text_content("#progress-percent") == "100 %"
        # Two phones by push and, the alert being Severe, the two travelers' confirmed
        # addresses by email.
        assert page.text_content("[data-count='sent']") == "4"
        page.wait_for_function(
            "() => document.querySelector('#alert-state')?.textContent === 'Sent'")
        page.wait_for_timeout(1500)  # one more sample for the chart
        page.screenshot(path=str(artifacts / "console-delivery.png"))
        assert len(receiver.received("phone-paris")) == 1
        assert len(receiver.received("phone-lyon")) == 1
        assert receiver.received("phone-paris")[0].json["headline"] == "Stay indoors tonight"
    assert console.errors == []
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / "console-composer.png", DOCS / "console-composer.png")
    shutil.copy(artifacts / "console-delivery.png", DOCS / "console-delivery.png")


def test_circle_and_polygon_are_drawn_on_the_map_and_saved_as_cap_areas(
        console, make_staff, console_app):
    console.sign_in(make_staff())
    page = console.page
    page.goto("/console/#/alerts/new")
    page.wait_for_selector("#composer-map[data-ready]")
    assert "null" not in page.inner_text("form")  # an absent part renders as nothing
    box = page.locator("#composer-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.check("input[value='circle']")
    page.mouse.click(cx, cy)
    page.fill("#circle-radius", "30")
    page.click("#circle-add")
    page.check("input[value='polygon']")
    for dx, dy in ((-60, -40), (40, -50), (50, 40), (-40, 50)):
        page.mouse.click(cx + dx, cy + dy)
    page.click("#polygon-close")
    assert page.locator("#area-list li[data-kind='circle']").count() == 1
    assert page.locator("#area-list li[data-kind='polygon']").count() == 1
    page.select_option("#region-country", "FR")
    page.wait_for_selector("#region-select option[value='FR-IDF']", state="attached")
    page.select_option("#region-select", "FR-IDF")
    page.click("#region-add")
    page.fill('[data-path="event"]', "Flooding")
    page.fill("#panel-en [data-field='headline']", "Flood warning")
    page.fill("#panel-en [data-field='description']", "The Seine is rising.")
    page.click("#save-draft")
    page.wait_for_selector("#audience-devices")
    alert_id = int(page.evaluate("() => location.hash.split('/')[2]"))
    from server.alerts.models import Alert
    from server.db import db

    with console_app.app_context():
        alert = db.session.get(Alert, alert_id)
        kinds = {area.kind: area for area in alert.areas}
        assert set(kinds) == {"circle", "polygon", "subdivision"}
        assert kinds["circle"].radius_km == 30
        assert kinds["polygon"].ring[0] == kinds["polygon"].ring[-1]
        assert kinds["subdivision"].code == "FR-IDF"
        assert 40 < kinds["circle"].lat < 52
        db.session.remove()
    assert console.errors == []


def test_wrong_code_is_shown_at_the_code_and_repeated_failures_lock_with_the_wait(
        console, make_staff):
    email = make_staff()
    console.sign_in(email)
    page = console.page
    page.click("#sign-out")
    page.wait_for_selector("#login-form")
    page.fill('#login-form [data-path="email"]', email)
    page.fill('#login-form [data-path="password"]', STAFF_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector('#login-form [data-path="totp"]', state="visible")
    page.fill('#login-form [data-path="totp"]', "000000")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector('#login-form [data-path="totp"][aria-invalid="true"]')
    for _attempt in range(8):
        if page.is_visible("#lockout"):
            break
        page.fill('#login-form [data-path="password"]', "not the password at all")
        page.click("#login-form button[type=submit]")
        page.wait_for_timeout(400)
    assert page.is_visible("#lockout")
    assert "try again in" in page.text_content("#lockout")
    assert page.is_disabled("#login-form button[type=submit]")
    assert console.errors == []


def _wait_sent(app, alert_id, timeout=15.0):
    import time

    from server.alerts.models import Alert
    from server.db import db

    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            alert = db.session.get(Alert, alert_id)
            state, msg_type, references = alert.state, alert.msg_type, alert.references_id
            db.session.remove()
        if state == "sent" or time.monotonic() > deadline:
            return state, msg_type, references
        time.sleep(0.2)


def test_update_of_a_sent_alert_opens_the_composer_prefilled_and_needs_approval(
        console, make_staff, console_app, artifacts):
    from tests.alerts.helpers import alert_body, create_and_send
    from tests.auth import enrol

    drafter, colleague = make_staff(name="Chen Jing"), make_staff(name="Marie Dubois")
    api = console_app.test_client()
    api.get("/api/config")
    enrol(api, colleague)
    original = create_and_send(api, alert_body(severity="Moderate", event="Flooding"))
    assert _wait_sent(console_app, original["id"])[0] == "sent"

    console.sign_in(drafter)
    page = console.page
    page.goto(f"/console/#/alerts/{original['id']}")
    page.click("#update-alert")
    page.wait_for_selector("#update-note")
    page.wait_for_selector("#composer-map[data-ready]")
    assert page.input_value('[data-path="event"]') == "Flooding"
    assert page.input_value("#panel-en [data-field='headline']") == "Stay indoors"
    assert page.locator("#area-list li[data-kind='country']").count() == 1
    page.fill("#panel-en [data-field='headline']", "Flood water rising: move to higher floors")
    page.select_option("#severity", "Severe")
    page.click("#save-draft")
    page.wait_for_function("() => /^#\\/alerts\\/\\d+$/.test(location.hash)")
    update_id = int(page.evaluate("() => location.hash.split('/')[2]"))
    assert update_id != original["id"]
    page.wait_for_selector("#two-person")
    assert page.locator("#send").count() == 0  # the two-person rule holds for updates too
    assert f"update to alert {original['id']}" in page.text_content("h1")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "console-update.png"))
    # A saved draft opened again saves again (its areas come back with nulls for other kinds).
    page.reload()
    page.wait_for_selector("#composer-map[data-ready]")
    page.click("#save-draft")
    page.wait_for_selector("#composer-form .notice-success")

    assert api.post(f"/api/staff/alerts/{update_id}/approve").status_code == 200
    page.reload()
    page.wait_for_selector("#send")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#send")
    page.wait_for_selector("#delivery-chart")
    assert _wait_sent(console_app, update_id) == ("sent", "Update", original["id"])
    assert console.errors == []
