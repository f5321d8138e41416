"""The emergency contact at home, when the traveler consented on the trip: told of an
"I am safe" answer (app, email link, SMS reply) and of an SOS case opened and closed; by
email (the real SMTP sink) when the trip has their address, else by SMS (the file outbox);
in the language picked for them; only the traveler's name, the fact and the hotline."""
from __future__ import annotations

from sqlalchemy import select, update

from server.db import db
from server.sos.models import SosCase
from server.trips import contact
from server.trips.models import Trip
from tests.rollcall.helpers import answer_body, start
from tests.sos.helpers import sos_body

CONTACT_EMAIL = "mother@example.net"
CONTACT_PHONE = "+8613900139000"  # the trip's contact in tests/fixtures/push.py
MISSION_HOTLINE = "+33199001235"  # fr-paris's emergency phone (tests/conftest.py)


def _consent(user, email=CONTACT_EMAIL, language=None, consent=True):
    db.session.execute(update(Trip).where(Trip.user_id == user.id).values(
        emergency_contact_email=email, emergency_contact_language=language,
        emergency_contact_consent=consent))
    db.session.commit()


def _mail_to_contact(sink):
    return [m for (to, *_), m in sink.messages if to == CONTACT_EMAIL]


def _texts_to_contact(outbox):
    return [m["text"] for m in outbox.messages() if m["to"] == CONTACT_PHONE]


def test_a_safe_answer_tells_the_contact_by_email_in_their_language_once(auth, traveler, app_mail):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR", "Paris")
    _consent(user, language="zh_Hans")
    rollcall = start(staff)
    phone = auth.traveler(user)
    url = f"/api/rollcalls/{rollcall['id']}/answer"
    assert phone.post(url, json=answer_body("safe", lat=48.85, lon=2.35)).status_code == 201
    assert phone.post(url, json=answer_body("safe")).status_code == 201  # still safe: no news
    (message,) = _mail_to_contact(app_mail)
    body = message.get_body(("plain",)).get_content()
    assert user.name in body and MISSION_HOTLINE in body
    assert str(message["Subject"]) == "Traveler 平安"  # the contact's language, not the traveler's
    for private in ("48.85", user.email, user.phone, "Paris"):
        assert private not in body


def test_a_help_answer_tells_of_the_case_not_of_safety_and_then_safe_does(auth, traveler, app_mail):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    _consent(user)
    rollcall = start(staff)
    phone = auth.traveler(user)
    url = f"/api/rollcalls/{rollcall['id']}/answer"
    assert phone.post(url, json=answer_body("help")).status_code == 201
    subjects = [str(m["Subject"]) for m in _mail_to_contact(app_mail)]
    assert subjects == ["Traveler asked for help"]
    assert phone.post(url, json=answer_body("safe")).status_code == 201
    assert [str(m["Subject"]) for m in _mail_to_contact(app_mail)][1:] == ["Traveler is safe"]


def test_an_sos_opened_and_resolved_tells_the_contact(auth, traveler, app_mail):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    _consent(user)
    phone = auth.traveler(user)
    assert phone.post("/api/sos", json=sos_body(lat=48.85, lon=2.35)).status_code == 201
    case = db.session.scalar(select(SosCase).where(SosCase.user_id == user.id))
    assert staff.patch(f"/api/staff/sos/{case.id}", json={"state": "resolved"}).status_code == 200
    messages = _mail_to_contact(app_mail)
    assert [str(m["Subject"]) for m in messages] == [
        "Traveler asked for help", "Request for help closed: Traveler"]
    assert all("48.85" not in m.get_body(("plain",)).get_content() for m in messages)


def test_only_a_phone_number_the_contact_gets_an_sms_even_for_an_sms_reply(
        auth, phone_traveler, kannel, outbox):
    staff, _ = auth.staff("officer", "fr-paris")
    user = phone_traveler("+33612345678")
    _consent(user, email=None, language="ar")
    start(staff)
    assert kannel.mo("+33612345678", "1", mo_id="contact-1").status_code == 200
    (text,) = _texts_to_contact(outbox)
    assert "Traveler" in text and MISSION_HOTLINE in text
    assert "I am safe" not in text  # in Arabic


def test_the_email_link_answer_tells_the_contact(auth, traveler, app, app_mail):
    from server.rollcall import links

    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR", devices=0)
    _consent(user)
    rollcall = start(staff)
    token = links._serializer().dumps({"r": rollcall["id"], "u": user.id, "a": "safe"})
    response = app.test_client().post(f"/api/rollcalls/{rollcall['id']}/email-answer",
                                      data={"token": token})
    assert response.status_code == 200
    assert [str(m["Subject"]) for m in _mail_to_contact(app_mail)] == ["Traveler is safe"]


def test_without_consent_the_contact_hears_nothing(auth, traveler, app_mail):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    _consent(user, consent=False)
    rollcall = start(staff)
    phone = auth.traveler(user)
    assert phone.post(f"/api/rollcalls/{rollcall['id']}/answer",
                      json=answer_body("safe")).status_code == 201
    assert phone.post("/api/sos", json=sos_body()).status_code == 201
    assert _mail_to_contact(app_mail) == []


def test_an_sos_queues_the_contacts_notice_only_with_consent(auth, traveler, monkeypatch):
    """Routing reads the trip's consent with its stays: without it no task is queued (an SOS
    surge does not fill the workers' queue with notices that would find nothing to do)."""
    from server import celery_app

    queued = []
    monkeypatch.setattr(celery_app, "enqueue", lambda task, *args: queued.append(task.name))
    user, _ = traveler("FR")
    phone = auth.traveler(user)
    for consent in (False, True):
        _consent(user, consent=consent)
        queued.clear()
        assert phone.post("/api/sos", json=sos_body()).status_code == 201
        assert queued.count("trips.tell_contact") == int(consent)


def test_a_failure_to_tell_the_contact_never_fails_the_answer_or_the_sos(
        auth, traveler, app_mail, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the mail server is on fire")

    monkeypatch.setattr(contact, "tell", broken)
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    _consent(user)
    rollcall = start(staff)
    phone = auth.traveler(user)
    answered = phone.post(f"/api/rollcalls/{rollcall['id']}/answer", json=answer_body("help"))
    assert answered.status_code == 201 and answered.json["sos_case"]
    body = sos_body()
    assert phone.post("/api/sos", json=body).status_code == 201
    assert db.session.scalar(select(SosCase.id).where(
        SosCase.client_uuid == body["client_uuid"])) is not None
    assert _mail_to_contact(app_mail) == []


def test_the_trip_keeps_the_contacts_address_language_and_consent(auth, traveler):
    user, _ = traveler("FR", language="ar")
    client = auth.traveler(user)
    trip = db.session.scalar(select(Trip).where(Trip.user_id == user.id))
    base = {"name": "Mother", "phone": "+8613900139000"}
    bad = client.patch(f"/api/trips/{trip.id}", json={
        "emergency_contact": {**base, "email": "not an address\r\nBcc: x@example.org"}})
    assert bad.status_code == 422 and "email" in bad.json["errors"]["json"]["emergency_contact"]
    done = client.patch(f"/api/trips/{trip.id}", json={
        "emergency_contact": {**base, "email": CONTACT_EMAIL, "consent": True}})
    assert done.status_code == 200, done.json
    assert {k: done.json["emergency_contact"][k] for k in ("email", "language", "consent")} == {
        "email": CONTACT_EMAIL, "language": "ar", "consent": True}  # default: the traveler's
    again = client.patch(f"/api/trips/{trip.id}", json={
        "emergency_contact": {**base, "language": "zh_Hant"}})
    assert again.json["emergency_contact"] == {**again.json["emergency_contact"],
                                               "email": None, "language": "zh_Hant",
                                               "consent": False}
