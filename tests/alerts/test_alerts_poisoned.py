"""One bad subscription fails alone: the rest of its batch is pushed and recorded at once
(no lease to wait out, no sweep), and the bad ones are ``failed`` with their reason."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from server.broadcast import direct, kinds
from server.broadcast.models import Delivery
from server.db import db
from server.devices.models import Device
from server.push import sender as sender_module
from tests.alerts.helpers import alert_body, create_and_send
from tests.fixtures.push import here
from tests.rollcall.helpers import start

BATCH = 500
OFF_CURVE_P256DH = "BAAA" + "A" * 83  # 65 bytes, 0x04 first, but no point on P-256


@pytest.fixture
def poisoned(app, create_traveler, monkeypatch):
    """A traveler in France with one full batch of devices, three of them poisoned as an
    older row could be: a port out of range, keys that do not encrypt, and one whose
    encryption raises inside the sender. Returns (healthy names, {poison: device id})."""
    assert app.config["PUSH_BATCH_SIZE"] == BATCH  # all of them in one batch
    _, made = create_traveler(here("FR"), devices=BATCH)
    (port, port_name), (key, _), (raises, _) = made[:3]
    db.session.execute(update(Device).where(Device.id == port.id).values(
        endpoint=f"http://127.0.0.1:99999/push/{port_name}"))
    db.session.execute(update(Device).where(Device.id == key.id)
                       .values(p256dh=OFF_CURVE_P256DH))
    encrypt, bad_key = sender_module.encrypt, raises.p256dh

    def encrypt_or_raise(body, p256dh, auth):
        if p256dh == bad_key:
            raise RuntimeError("boom")
        return encrypt(body, p256dh, auth)

    monkeypatch.setattr(sender_module, "encrypt", encrypt_or_raise)
    poison = {"endpoint: ValueError": port.id, "encryption: ": key.id,
              "send: RuntimeError: boom": raises.id}
    return [name for _, name in made[3:]], poison


def _assert_isolated(alert_id, receiver, healthy, poison):
    rows = db.session.execute(select(Delivery.device_id, Delivery.state, Delivery.attempts,
                                     Delivery.error).where(Delivery.alert_id == alert_id)).all()
    assert len(rows) == BATCH
    assert {row.attempts for row in rows} == {1}  # one claim each: no sweep, no second lease
    by_device = {row.device_id: row for row in rows}
    for reason, device_id in poison.items():
        assert by_device[device_id].state == "failed"
        assert by_device[device_id].error.startswith(reason), by_device[device_id].error
    others = [row for row in rows if row.device_id not in poison.values()]
    assert {(row.state, row.error) for row in others} == {("sent", None)}
    assert receiver.count == BATCH - len(poison) and receiver.rejections == []
    assert {len(receiver.received(name)) for name in healthy} == {1}


def test_poisoned_subscriptions_fail_alone_in_an_alert_batch(auth, poisoned, receiver):
    staff, _ = auth.staff("admin")
    alert = create_and_send(staff, alert_body())
    _assert_isolated(alert["id"], receiver, *poisoned)
    stats = staff.get(f"/api/staff/alerts/{alert['id']}/deliveries").json
    assert (stats["sent"], stats["failed"], stats["pending"]) == (BATCH - 3, 3, 0)
    # Why they failed, grouped: one group per recorded reason here.
    assert sorted(f["count"] for f in stats["failures"]) == [1, 1, 1]
    assert {f["channel"] for f in stats["failures"]} == {"webpush"}
    for reason in poisoned[1]:
        assert any(f["reason"].startswith(reason) for f in stats["failures"]), reason
    # One traveler with 500 devices: reached, since some of their devices were.
    listed = {a["id"]: a for a in staff.get("/api/staff/alerts").json}
    assert listed[alert["id"]]["reach"] == {"reached": 1, "people": 1}


def test_poisoned_subscriptions_fail_alone_in_a_roll_call_batch(auth, poisoned, receiver):
    staff, _ = auth.staff("officer", "fr-paris")
    rollcall = start(staff)
    _assert_isolated(rollcall["alert_id"], receiver, *poisoned)


def test_a_language_whose_payload_cannot_be_built_fails_alone(auth, create_traveler,
                                                              receiver, monkeypatch):
    staff, _ = auth.staff("admin")
    _, [(en, en_name)] = create_traveler(here("FR"), language="en")
    _, [(zh, zh_name)] = create_traveler(here("FR"), language="zh_Hans")
    build = kinds.payload

    def broken_in_chinese(alert, language, default):
        if language == "zh_Hans":
            raise KeyError("no builder")
        return build(alert, language, default)

    monkeypatch.setattr(kinds, "payload", broken_in_chinese)
    alert = create_and_send(staff, alert_body())
    rows = dict(db.session.execute(select(Delivery.device_id, Delivery.error)
                                   .where(Delivery.alert_id == alert["id"])).all())
    states = dict(db.session.execute(select(Delivery.device_id, Delivery.state)
                                     .where(Delivery.alert_id == alert["id"])).all())
    assert states == {en.id: "sent", zh.id: "failed"}
    assert rows[zh.id] == "payload: KeyError: 'no builder'"
    assert len(receiver.received(en_name)) == 1 and receiver.received(zh_name) == []


def test_a_failed_delivery_keeps_the_push_services_answer(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(device, name)] = create_traveler(here("FR"))
    receiver.script(name, [(413,)])
    alert = create_and_send(staff, alert_body())
    error = db.session.scalar(select(Delivery.error).where(Delivery.alert_id == alert["id"]))
    assert error == "HTTP 413: scripted"
    stats = staff.get(f"/api/staff/alerts/{alert['id']}/deliveries").json
    assert stats["failures"] == [{"channel": "webpush", "state": "failed",
                                  "reason": "HTTP 413: scripted", "count": 1}]
    listed = {a["id"]: a for a in staff.get("/api/staff/alerts").json}
    assert listed[alert["id"]]["reach"] == {"reached": 0, "people": 1}
    draft = staff.post("/api/staff/alerts", json=alert_body()).json
    assert staff.get("/api/staff/alerts").json[0]["id"] == draft["id"]
    assert staff.get("/api/staff/alerts").json[0]["reach"] is None


def test_push_to_user_reaches_the_other_devices_past_a_bad_one(create_traveler, receiver):
    user, [(bad, bad_name), (_, good_name)] = create_traveler(devices=2)
    db.session.execute(update(Device).where(Device.id == bad.id).values(
        endpoint=f"http://127.0.0.1:-1/push/{bad_name}"))
    direct.send_to_person(user.id, "sos", {"case": "abc"})
    db.session.commit()
    assert len(receiver.received(good_name)) == 1 and receiver.received(bad_name) == []


def test_an_sos_acknowledgement_refused_for_now_is_retried_until_it_arrives(
        create_traveler, receiver):
    """A 429 (with its Retry-After) and a 503 on "your SOS was received" are tried again, each
    device on its own, and both phones get it once (tasks run inline here: the countdown is
    Celery's to honour when scaled out)."""
    user, [(_, throttled), (_, unavailable)] = create_traveler(devices=2)
    receiver.script(throttled, [(429, {"Retry-After": "1"})])
    receiver.script(unavailable, [(503,), (503,)])
    direct.send_to_person(user.id, "sos", {"case": "abc", "state": "acknowledged"})
    db.session.commit()
    assert len(receiver.received(throttled)) == 1 and len(receiver.received(unavailable)) == 1
    assert receiver.requests == 5  # refused once then sent; refused twice then sent
