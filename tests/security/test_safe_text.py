"""Typed text is refused at the boundary when it holds what XML cannot carry, control
characters, or bidi overrides (a name masquerading as another in the console); one-line
fields refuse line breaks and bidi embeddings too. Direction marks stay allowed."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from server.accounts.models import User
from server.alerts.models import Alert
from server.db import db
from server.rollcall.schemas import QuestionIn
from server.sos.models import SosCase
from server.sos.schemas import CasePatch
from server.validation import SafeText
from tests.alerts.helpers import alert_body
from tests.auth import TEST_PASSWORD
from tests.conftest import trip_body
from tests.sos.helpers import sos_body

XML_INVALID = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [
    "\ufffe", "\uffff", "\ud800", "\udfff"]
OVERRIDES = ["\u202d", "\u202e"]
EMBEDDINGS = ["\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069"]
C1 = ["\x7f", "\x80", "\x85", "\x9f"]
MARKS = ["\u200e", "\u200f", "\u061c"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("char", XML_INVALID + OVERRIDES + C1)
def test_safe_text_refuses_controls_and_overrides_even_on_several_lines(char):
    with pytest.raises(ValidationError):
        SafeText(multiline=True)(f"Stay{char}indoors")


@pytest.mark.parametrize("char", ["\t", "\n", "\r", *EMBEDDINGS])
def test_one_line_text_refuses_line_breaks_and_bidi_embeddings(char):
    with pytest.raises(ValidationError):
        SafeText()(f"Li{char}Wei")
    assert SafeText(multiline=True)(f"Li{char}Wei") == f"Li{char}Wei"


@pytest.mark.parametrize("char", MARKS)
def test_direction_marks_are_allowed_everywhere(char):
    value = f"محمد{char} 123"
    assert SafeText()(value) == value and SafeText(multiline=True)(value) == value


@pytest.mark.parametrize("field", ["headline", "description", "instruction"])
def test_an_alert_text_with_a_control_character_is_refused_naming_the_field(auth, field):
    staff, _ = auth.staff("admin")
    before = _count(Alert)
    texts = [{"language": "en", "headline": "Stay indoors", "description": "Protests.",
              field: "Stay\x07 in\ufffedoors\ud800"}]
    response = staff.post("/api/staff/alerts", json=alert_body(texts=texts))
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422
    [message] = response.json["errors"]["json"]["texts"]["0"][field]
    assert "U+0007" in message
    assert _count(Alert) == before


def test_an_alert_event_on_two_lines_is_refused_and_the_message_is_localized(auth):
    staff, _ = auth.staff("admin")
    response = staff.post("/api/staff/alerts?lang=zh_Hans",
                          json=alert_body(event="Civil\nunrest"))
    assert response.status_code == 422
    assert response.json["errors"]["json"]["event"] == ["必须在一行内，不能换行。"]


def test_a_multi_line_description_with_arabic_marks_is_accepted(auth):
    staff, _ = auth.staff("admin")
    texts = [{"language": "en", "headline": "Stay indoors\u200f",
              "description": "Line one\nLine two\u200f\tindented"}]
    response = staff.post("/api/staff/alerts", json=alert_body(texts=texts))
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("name", ["Li\x00Wei", "Li \u202eieW", "Li\u2066Wei\u2069", "Li\x85Wei"])
def test_a_name_with_nul_or_a_bidi_control_is_refused_and_no_account_is_made(client, name):
    before = _count(User)
    response = client.post("/api/auth/signup", json={
        "email": "masquerade@example.org", "password": TEST_PASSWORD, "name": name,
        "phone": "+8613800138000"})
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["name"]
    assert _count(User) == before


def test_a_profile_name_with_an_override_is_refused(client, auth):
    auth.signup(client)
    response = client.patch("/api/me", json={"name": "Admin\u202e"})
    assert response.status_code == 422 and "name" in response.json["errors"]["json"]


def test_trip_names_and_notes_are_checked(client, auth):
    auth.signup(client)
    body = trip_body(notes="Line\x0bbreak",
                     companions=[{"name": "Wang\u202eFang"}],
                     emergency_contact={"name": "Li\x00Na", "phone": "+8613900139000"})
    response = client.post("/api/trips", json=body)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"notes", "companions", "emergency_contact"}
    assert "name" in errors["companions"]["0"] and "name" in errors["emergency_contact"]
    ok = client.post("/api/trips", json=trip_body(notes="Hotel Lutetia\nRoom 12"))
    assert ok.status_code == 201, ok.json


def test_an_sos_message_with_a_control_character_is_refused(client, auth):
    auth.signup(client)
    before = _count(SosCase)
    response = client.post("/api/sos", json=sos_body(message="Help\x00me"))
    assert response.status_code == 422 and "message" in response.json["errors"]["json"]
    assert _count(SosCase) == before


def test_staff_notes_and_roll_call_questions_use_the_same_rule(app):
    with app.test_request_context():
        with pytest.raises(ValidationError) as refused:
            CasePatch().load({"note": "Called \u202eback"})
        assert "note" in refused.value.messages
        assert CasePatch().load({"note": "Called.\nNo answer."})["note"] == "Called.\nNo answer."
        with pytest.raises(ValidationError) as refused:
            QuestionIn().load({"language": "en", "question": "Are you safe?\x1b"})
        assert "question" in refused.value.messages
