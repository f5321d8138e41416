"""A roll call from the console: France clicked on the map, the question typed, started; the
dashboard's figures, city table and map change as travelers answer through the API."""
from __future__ import annotations

import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.browser.console.conftest import traveler_with_device
from tests.pushreceiver import PushReceiver

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def _figure(page, name, value, timeout=15000):
    page.wait_for_function(
        f"() => document.querySelector('#rc-{name}')?.textContent === '{value}'",
        timeout=timeout)


def _wait_for_pushes(receiver, name, count, timeout=15.0):
    deadline = time.monotonic() + timeout
    while len(receiver.received(name)) < count:
        assert time.monotonic() < deadline, f"{name}: {len(receiver.received(name))} pushes"
        time.sleep(0.1)


def _answer(client, rollcall_id, answer, **fields):
    response = client.post(f"/api/rollcalls/{rollcall_id}/answer", json={
        "answer": answer, "answered_at": datetime.now(UTC).isoformat(),
        "client_uuid": str(uuid.uuid4()), **fields})
    assert response.status_code == 201, response.json
    return response.json


def test_roll_call_started_from_the_console_counts_answers_live(
        console, make_staff, console_app, artifacts):
    from server.devices.keys import public_key

    with console_app.app_context():
        key = public_key()
    console.sign_in(make_staff(name="Chen Jing"))
    page = console.page
    with PushReceiver(expected_vapid_public_key=key) as receiver:
        paris, _ = traveler_with_device(console_app, receiver, "rc-paris", person="Liu Yang")
        lyon, _ = traveler_with_device(console_app, receiver, "rc-lyon", city="Lyon",
                                       person="Zhang Min")
        quiet, _ = traveler_with_device(console_app, receiver, "rc-quiet", city="Lyon",
                                        person="Wang Lei")

        page.goto("/console/#/rollcalls")
        page.click("#new-rollcall")
        page.wait_for_selector("#composer-map[data-ready]")
        page.click("#composer-map")  # the map opens on the jurisdiction: this is France
        page.wait_for_selector("#area-list li[data-kind='country']")
        page.wait_for_function(
            "() => Number(document.querySelector('#rollcall-travelers')?.textContent) >= 3")
        page.fill("textarea[data-language='en']",
                  "Earthquake near Lyon. Are you safe? Tell us if you need help.")
        page.fill("textarea[data-language='zh_Hans']", "里昂附近发生地震。您安全吗？")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#start-rollcall")
        page.wait_for_selector("#rollcall-figures [data-figure='recipients']")
        rollcall_id = int(page.evaluate("() => location.hash.split('/')[2]"))
        # Recipients are made in the background; the dashboard picks them up by polling.
        page.wait_for_function(
            "() => Number(document.querySelector('#rc-recipients')?.textContent) >= 3",
            timeout=15000)
        asked = int(page.text_content("#rc-recipients"))
        assert asked >= 3
        _figure(page, "no-answer", str(asked))

        # Every phone got the question with its two actions.
        for name in ("rc-paris", "rc-lyon", "rc-quiet"):
            _wait_for_pushes(receiver, name, 1)
            message = receiver.received(name)[0].json
            assert message["rollcall_id"] == rollcall_id
            assert [a["action"] for a in message["actions"]] == ["safe", "help"]

        _answer(paris, rollcall_id, "safe", lat=48.8606, lon=2.3376, accuracy=20)
        _figure(page, "safe", "1")
        helped = _answer(lyon, rollcall_id, "help", party_size=3, wants_evacuation=True,
                         lat=45.764, lon=4.8357, accuracy=35)
        assert helped["sos_case"]  # "help" opened an SOS case
        _figure(page, "help", "1")
        _figure(page, "no-answer", str(asked - 2))
        page.wait_for_selector("#city-rows tr[data-city='Lyon']")
        assert page.locator(".answer-marker").count() == 2
        page.wait_for_selector("#evacuation-table")
        assert "3" in page.text_content("#evacuation-table")

        page.fill("#remind-minutes", "0")
        page.click("#remind")
        page.wait_for_selector("#rollcall-status .notice-success")
        _wait_for_pushes(receiver, "rc-quiet", 2)
        assert len(receiver.received("rc-paris")) == 1
        assert receiver.received("rc-quiet")[1].json["reminder"] is True
        assert quiet is not None

        csv_text = page.evaluate(
            "async (url) => (await fetch(url)).text()",
            f"/api/staff/rollcalls/{rollcall_id}/export.csv")
        # By email: the names may recur in the shared console app (an earlier attempt).
        email = {person: client.get("/api/me").json["email"]
                 for person, client in (("paris", paris), ("lyon", lyon), ("quiet", quiet))}
        assert email["lyon"] in csv_text and email["quiet"] in csv_text
        assert email["paris"] not in csv_text  # answered "safe"

        page.wait_for_timeout(500)
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(artifacts / "console-rollcall.png"), full_page=True)

        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#close-rollcall")
        page.wait_for_function(
            "() => document.querySelector('#rollcall-state')?.textContent === 'Closed'")
        assert page.locator("#remind").count() == 0
        # Leave the shared queue as found: the traveler is safe now (other tests watch it).
        assert lyon.post(f"/api/sos/{helped['sos_case']}/cancel").status_code == 200
    assert console.errors == []
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / "console-rollcall.png", DOCS / "console-rollcall.png")
