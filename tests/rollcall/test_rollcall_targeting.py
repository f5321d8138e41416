"""Who is asked: the alerts' area rules and audience SQL, one recipient per person, a push to
every device in its language with the two actions, within the 4 KB limit."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.broadcast import audience
from server.broadcast.models import Delivery
from server.db import db, utcnow
from server.devices.models import Device
from server.push import MAX_PAYLOAD
from server.rollcall import payload
from server.rollcall.models import RollCall, RollCallMessage
from tests.fixtures.push import here
from tests.rollcall.helpers import PARIS, recipients, rollcall_body, start


def test_everyone_in_the_area_is_asked_once_and_every_device_gets_the_question(
        auth, traveler, create_traveler, receiver):
    staff, _ = auth.staff("officer", "fr-paris")
    two_phones, [(_, en), (_, zh)] = traveler("FR", "Paris", devices=2)
    db.session.execute(Device.__table__.update().where(Device.__table__.c.endpoint.contains(zh))
                       .values(language="zh_Hans"))
    no_phone, _ = traveler("FR", "Lyon", devices=0)
    positioned, [(_, pos)] = create_traveler(consent=True, position=PARIS)
    _, [(_, germany)] = traveler("DE")
    _, [(_, later)] = traveler("FR", leg=here("FR", start=30, end=40))

    rollcall = start(staff)

    asked = recipients(rollcall["id"])
    assert set(asked) == {two_phones.id, no_phone.id, positioned.id}
    assert (asked[two_phones.id].city, asked[no_phone.id].city) == ("Paris", "Lyon")
    assert (asked[positioned.id].country, asked[positioned.id].city) == ("FR", None)
    got = {name: receiver.received(name) for name in (en, zh, pos, germany, later)}
    assert [len(got[n]) for n in (en, zh, pos, germany, later)] == [1, 1, 1, 0, 0]
    message = got[en][0].json
    assert message["kind"] == "rollcall" and message["rollcall_id"] == rollcall["id"]
    assert message["question"] == "Earthquake in the area. Are you safe?"
    assert message["tag"] == f"rollcall-{rollcall['id']}"
    assert message["actions"] == [{"action": "safe", "title": "I am safe"},
                                  {"action": "help", "title": "I need help"}]
    assert message["deadline"] == rollcall["deadline"] and message["reminder"] is False
    assert got[zh][0].json["question"] == "该地区发生地震。您安全吗？"
    assert got[en][0].headers["urgency"] == "high"
    assert db.session.get(RollCall, rollcall["id"]).state == "open"


def test_materializing_again_counts_only_the_people_it_added(auth, traveler):
    from server.rollcall import recipients as recipient_rows

    staff, _ = auth.staff("officer", "fr-paris")
    first, _ = traveler("FR", "Paris", devices=0)
    rollcall = db.session.get(RollCall, start(staff)["id"])
    traveler("FR", "Lyon", devices=0)  # arrived since
    assert recipient_rows.materialize(rollcall, rollcall.message) == 1  # PostgreSQL said -1
    assert recipient_rows.materialize(rollcall, rollcall.message) == 0
    assert first.id in recipients(rollcall.id) and len(recipients(rollcall.id)) == 2


def test_a_circle_asks_exactly_the_people_the_alerts_audience_finds(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    inside, _ = traveler(leg=here("FR", lat=48.86, lon=2.34), devices=0)
    traveler(leg=here("FR", lat=45.76, lon=4.83), devices=0)  # Lyon, outside
    circle = {"kind": "circle", "lat": PARIS[0], "lon": PARIS[1], "radius_km": 20}
    rollcall = start(staff, circle)
    alert = db.session.get(RollCallMessage, rollcall["alert_id"])
    people = set(db.session.scalars(select(audience.people(alert).subquery().c.user_id)))
    assert set(recipients(rollcall["id"])) == people == {inside.id}
    preview = staff.post("/api/staff/rollcalls/audience", json={
        "areas": [circle], "deadline": rollcall["deadline"]})
    assert preview.json == {"travelers": 1, "devices": 0,
                            "by_channel": {"webpush": 0, "sms": 0, "email": 1}}


def test_areas_are_validated_and_kept_to_the_jurisdiction_as_for_alerts(auth):
    staff, _ = auth.staff("officer", "fr-paris")
    bad = staff.post("/api/staff/rollcalls", json=rollcall_body(
        {"kind": "circle", "lat": 48.8, "lon": 2.3, "radius_km": 0}))
    assert bad.status_code == 422 and "radius_km" in bad.json["errors"]["json"]["areas"]["0"]
    outside = staff.post("/api/staff/rollcalls", json=rollcall_body(
        {"kind": "country", "code": "DE"}))
    assert outside.status_code == 403 and "0" in outside.json["errors"]["json"]["areas"]
    past = staff.post("/api/staff/rollcalls", json=rollcall_body(hours=-1))
    assert "deadline" in past.json["errors"]["json"]
    no_english = staff.post("/api/staff/rollcalls", json=rollcall_body(
        texts=[{"language": "ar", "question": "هل أنت بأمان؟"}]))
    assert "texts" in no_english.json["errors"]["json"]


def test_viewers_read_but_cannot_start(auth):
    viewer, _ = auth.staff("viewer", "fr-paris")
    assert viewer.post("/api/staff/rollcalls", json=rollcall_body()).status_code == 403
    assert viewer.get("/api/staff/rollcalls").status_code == 200


def test_roll_calls_are_not_alerts_for_anyone(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    rollcall = start(staff)
    assert staff.get(f"/api/staff/alerts/{rollcall['alert_id']}").status_code == 404
    assert staff.get("/api/staff/alerts").json == []
    assert auth.traveler(user).get("/api/alerts").json == []
    assert staff.get(f"/api/alerts/{rollcall['alert_id']}.cap").status_code == 404


def test_the_payload_has_both_actions_and_fits_the_push_limit_at_the_longest(
        auth, traveler, receiver):
    staff, _ = auth.staff("officer", "fr-paris")
    _, [(_, name)] = traveler("FR", language="zh_Hans")
    longest = "您" * 500
    rollcall = start(staff, texts=[{"language": "en", "question": "x" * 500},
                                   {"language": "zh_Hans", "question": longest}])
    alert = db.session.get(RollCallMessage, rollcall["alert_id"])
    for language in ("en", "zh_Hans", "zh_Hant", "ar"):
        body = payload.build(alert, language, "en")
        assert len(body) <= MAX_PAYLOAD
    message = receiver.received(name)[0]
    assert message.json["question"] == longest
    assert [a["action"] for a in message.json["actions"]] == ["safe", "help"]
    assert message.json["title"] and message.json["lang"] == "zh_Hans"
    ttl = int(message.headers["ttl"])
    assert 6 * 3600 - 120 < ttl <= 6 * 3600
    assert db.session.scalar(select(Delivery.state).where(
        Delivery.alert_id == alert.id)) == "sent"
    assert alert.expires - utcnow() < timedelta(hours=6, minutes=1)



def test_a_roll_call_whose_send_task_was_lost_is_sent_by_the_sweep(
        app, auth, traveler, receiver, monkeypatch):
    from sqlalchemy import update

    from server.broadcast import tasks

    staff, _ = auth.staff("officer", "fr-paris")
    _, [(_, phone)] = traveler("FR", "Paris")
    with monkeypatch.context() as patch:
        patch.setattr("server.celery_app.enqueue", lambda *args: None)  # the task is lost
        rollcall = start(staff)
    assert recipients(rollcall["id"]) == {} and receiver.received(phone) == []
    tasks.sweep_pending()
    assert receiver.received(phone) == []  # not stalled yet: its task may still be queued
    stale = utcnow() - timedelta(seconds=app.config["PUSH_SWEEP_AFTER_SECONDS"] + 5)
    db.session.execute(update(RollCallMessage).where(RollCallMessage.id == rollcall["alert_id"])
                       .values(updated_at=stale))
    db.session.commit()
    tasks.sweep_pending()
    assert len(recipients(rollcall["id"])) == 1
    assert len(receiver.received(phone)) == 1
    assert db.session.scalar(select(RollCall.state).where(RollCall.id == rollcall["id"])) == "open"
