"""Crisis sign-up on a 390x844 phone, in English and Arabic: staff open the page through the
API, a signed-out visitor fills it in (one screen), proves the phone with the SMS code, and
the roll call's dashboard lists them; "Create an account" opens the sign-up prefilled."""
from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.auth import STAFF_PASSWORD, ApiClient, enrol
from tests.conftest import writing

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE_390}


def _staff(app):
    from server.db import db
    from server.staff import services as staff

    email = f"crisis-{uuid.uuid4().hex[:8]}@example.org"
    with writing(app):  # reads, then writes beside the live app's threads
        staff.create_staff(email=email, name="Duty Officer", role="officer",
                           password=STAFF_PASSWORD, embassy_key="fr-paris")
        db.session.commit()
    app.test_client_class = ApiClient
    client = app.test_client()
    client.get("/api/config")
    enrol(client, email)
    return client


def _open_crisis_page(staff) -> tuple[int, dict]:
    rollcall = staff.post("/api/staff/rollcalls", json={
        "texts": [{"language": "en", "question": "Flooding in Paris. Are you safe?"},
                  {"language": "ar", "question": "فيضانات في باريس. هل أنت بأمان؟"}],
        "areas": [{"kind": "country", "code": "FR"}],
        "deadline": (datetime.now(UTC) + timedelta(hours=6)).isoformat()})
    assert rollcall.status_code == 202, rollcall.json
    page = staff.post(f"/api/staff/rollcalls/{rollcall.json['id']}/crisis-page")
    assert page.status_code == 201, page.json
    return rollcall.json["id"], page.json


def _sms_code(app, to: str, timeout: float = 15.0) -> str:
    from server.sms.gateway import FileOutbox
    from server.sms.outbox import outbox_directory

    with app.app_context():
        outbox = FileOutbox(outbox_directory())
    deadline = time.monotonic() + timeout
    while True:
        sent = [m for m in outbox.messages() if m["to"] == to]
        if sent:
            return re.search(r"(?<!\d)(\d{6})(?!\d)", sent[-1]["text"]).group(1)
        assert time.monotonic() < deadline, "no verification SMS"
        time.sleep(0.1)


CASES = {
    "en": {"name": "Claire Martin", "phone": "+33 6 11 22 33 44", "e164": "+33611223344",
           "place": "Gare de Lyon, Paris", "answer": "safe", "title": "Received"},
    "ar": {"name": "أمينة حداد", "phone": "+33 6 55 66 77 88", "e164": "+33655667788",
           "place": "فندق قرب برج إيفل", "answer": "help", "title": "تم الاستلام"},
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_signed_out_visitor_signs_up_and_appears_on_the_roll_call(
        page, live_app, language, artifacts):
    person = CASES[language]
    staff = _staff(live_app)
    rollcall_id, crisis = _open_crisis_page(staff)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"/#/crisis/{crisis['slug']}")
    page.wait_for_selector("#crisis-form")
    if language == "ar":
        page.select_option(".language-picker select", "ar")
        page.wait_for_function("() => document.documentElement.dir === 'rtl'")
        # The screen is drawn again once the page's question came back in Arabic.
        page.wait_for_function(
            "() => document.querySelector('.crisis .question')?.textContent"
            " === 'فيضانات في باريس. هل أنت بأمان؟'")
        assert page.text_content("#crisis-form button[type=submit]") == "إرسال"
    else:
        assert page.text_content(".crisis .question") == "Flooding in Paris. Are you safe?"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_390["width"]

    # Sent empty first: each field says what to type, in the page's language; nothing stored.
    page.click("#crisis-form button[type=submit]")
    page.wait_for_selector('[data-path="name"][aria-invalid="true"]')
    for path in ("phone", "place"):
        assert page.get_attribute(f'[data-path="{path}"]', "aria-invalid") == "true"
    assert not page.is_hidden("#crisis-answer-error")
    if language == "ar":
        assert re.search("[\u0600-\u06ff]", page.text_content("#crisis-answer-error"))

    page.fill('[data-path="name"]', person["name"])
    page.fill('[data-path="phone"]', person["phone"])
    page.fill('[data-path="place"]', person["place"])
    page.check(f"#answer-{person['answer']}")
    if language == "en":  # "Use my position": asked only when pressed
        page.context.grant_permissions(["geolocation"])
        page.context.set_geolocation({"latitude": 48.8443, "longitude": 2.3730, "accuracy": 25})
        page.click("#crisis-locate")
        page.wait_for_function(
            "() => document.querySelector('#crisis-position-status bdi') !== null")
    page.screenshot(path=str(artifacts / f"crisis-form-{language}.png"), full_page=True)
    page.click("#crisis-form button[type=submit]")
    page.wait_for_selector("#crisis-verify")
    assert page.text_content("h1") == person["title"]

    # The phone proven with the code the SMS carried.
    page.click("#crisis-send-code")
    page.fill('#crisis-verify [data-path="code"]', _sms_code(live_app, person["e164"]))
    page.click("#crisis-verify button[type=submit]")
    page.wait_for_selector("#crisis-verified")
    page.screenshot(path=str(artifacts / f"crisis-done-{language}.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_390["width"]

    # The roll call's dashboard lists them, marked as signed up during the crisis.
    board = staff.get(f"/api/staff/rollcalls/{rollcall_id}").json["crisis"]
    [registered] = [r for r in board["registrations"] if r["name"] == person["name"]]
    assert registered["phone"] == person["e164"] and registered["phone_verified"] is True
    assert registered["place"] == person["place"] and registered["answer"] == person["answer"]
    assert registered["registered_during_crisis"] is True
    assert registered["language"] == language
    if language == "en":
        assert (registered["lat"], registered["lon"]) == (48.8443, 2.373)
    else:
        assert registered["lat"] is None
    if person["answer"] == "help":
        case = staff.get(f"/api/staff/sos/{registered['sos_case_id']}").json
        assert case["unverified"] is True and case["traveler"]["name"] == person["name"]

    # Turned into an account later: the sign-up screen opens with the name and phone typed.
    page.click("#crisis-create-account")
    page.wait_for_function("() => location.hash === '#/signup'")
    page.wait_for_function(
        "() => document.querySelector('#view [data-path=\"phone\"]')?.value !== ''")
    assert page.input_value('#view [data-path="name"]') == person["name"]
    assert page.input_value('#view [data-path="phone"]') == person["e164"]
    assert errors == []


def test_a_closed_crisis_page_says_so(page, live_app):
    staff = _staff(live_app)
    rollcall_id, crisis = _open_crisis_page(staff)
    assert staff.post(f"/api/staff/rollcalls/{rollcall_id}/crisis-page/close").status_code == 200
    page.goto(f"/#/crisis/{crisis['slug']}")
    page.wait_for_selector(".crisis .notice-error")
    assert page.text_content("h1") == "This crisis page is closed"
    assert page.query_selector("#crisis-form") is None
