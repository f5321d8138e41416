"""Fan-out to a real (local) push service: audience, language, results, retries, no doubles."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.alerts.models import Alert
from server.broadcast import tasks
from server.broadcast.models import Delivery
from server.db import db, utcnow
from server.devices.models import Device
from tests.alerts.helpers import alert_body, create_and_send, deliveries
from tests.fixtures.push import here


def test_alert_reaches_the_right_devices_in_their_language(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(_, en)] = create_traveler(here("FR"), language="en")
    _, [(_, zh)] = create_traveler(here("FR"), language="en", device_language="zh_Hans")
    _, [(_, ar)] = create_traveler(here("FR"), language="ar")  # no Arabic text: default
    _, [(_, elsewhere)] = create_traveler(here("DE"))
    _, [(_, later)] = create_traveler(here("FR", start=30, end=40))
    alert = create_and_send(staff, alert_body(severity="Moderate"))

    assert receiver.rejections == []
    got = {name: receiver.received(name) for name in (en, zh, ar, elsewhere, later)}
    assert [len(got[n]) for n in (en, zh, ar, elsewhere, later)] == [1, 1, 1, 0, 0]
    assert got[en][0].json["headline"] == "Stay indoors"
    assert got[zh][0].json["headline"] == "请待在室内"
    assert got[ar][0].json["headline"] == "Stay indoors"
    message = got[en][0]
    assert message.json == {"kind": "alert", "alert_id": alert["id"],
                            "headline": "Stay indoors", "body": "Protests downtown.",
                            "severity": "Moderate", "url": f"/alerts/{alert['id']}",
                            "tag": f"alert-{alert['id']}"}
    assert message.headers["urgency"] == "normal"
    assert message.headers["topic"] == f"alert-{alert['id']}"
    assert 6 * 3600 - 120 < int(message.headers["ttl"]) <= 6 * 3600
    states = deliveries(alert["id"])
    assert sorted(s for s, _, _ in states.values()) == ["sent", "sent", "sent"]
    assert db.session.get(Alert, alert["id"]).state == "sent"


def test_severe_alerts_are_pushed_with_high_urgency(auth, create_traveler, receiver):
    drafter, _ = auth.staff("admin")
    approver, _ = auth.staff("admin")
    _, [(_, name)] = create_traveler(here("FR"))
    create_and_send(drafter, alert_body(severity="Extreme"), approver=approver)
    assert receiver.received(name)[0].headers["urgency"] == "high"


def test_gone_subscription_removes_the_device(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(device, name)] = create_traveler(here("FR"))
    device_id = device.id
    receiver.script(name, [(410,)])
    alert = create_and_send(staff, alert_body())
    assert db.session.scalar(select(Device.id).where(Device.id == device_id)) is None
    row = db.session.execute(select(Delivery.state, Delivery.last_status, Delivery.device_id)
                             .where(Delivery.alert_id == alert["id"])).one()
    assert tuple(row) == ("gone", 410, device_id)  # the record keeps the removed device's number


def _make_due(alert_id):
    db.session.execute(update(Delivery).where(Delivery.alert_id == alert_id,
                                              Delivery.state == "pending")
                       .values(next_attempt_at=utcnow() - timedelta(seconds=5)))


def _retry_now(alert_id):
    """Let the backoff pass, then run the retry the worker would run on its countdown."""
    _make_due(alert_id)
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.alert_id == alert_id)))
    tasks.deliver_batch(alert_id, ids)


def test_429_with_retry_after_and_500_are_retried(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(slow, slow_name)] = create_traveler(here("FR"))
    _, [(flaky, flaky_name)] = create_traveler(here("FR"))
    receiver.script(slow_name, [(429, {"Retry-After": "600"})])
    receiver.script(flaky_name, [(500,)])
    before = utcnow()
    alert = create_and_send(staff, alert_body())
    states = deliveries(alert["id"])
    assert states[slow.id] == ("pending", 1, 429) and states[flaky.id] == ("pending", 1, 500)
    due = dict(db.session.execute(select(Delivery.device_id, Delivery.next_attempt_at)
                                  .where(Delivery.alert_id == alert["id"])).all())
    assert due[slow.id] >= before + timedelta(seconds=600)  # Retry-After honoured
    assert due[flaky.id] >= before + timedelta(seconds=30)  # backoff, not at once
    assert receiver.received() == []

    _retry_now(alert["id"])
    states = deliveries(alert["id"])
    assert states[slow.id][:2] == ("sent", 2) and states[flaky.id][:2] == ("sent", 2)
    assert len(receiver.received(slow_name)) == len(receiver.received(flaky_name)) == 1


def test_each_retry_waits_its_own_delay_not_the_slowest_of_its_batch(
        app, monkeypatch, auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(slow, slow_name)] = create_traveler(here("FR"))
    _, [(flaky, flaky_name)] = create_traveler(here("FR"))
    receiver.script(slow_name, [(429, {"Retry-After": "600"})])
    receiver.script(flaky_name, [(500,)])
    scheduled = []
    task = app.extensions["celery"].tasks[tasks.deliver_batch.name]
    first_push = task.apply_async

    def schedule(args, kwargs=None, countdown=None, **options):
        if countdown is None:  # the first push of the batch (``delay``): let it run
            return first_push(args, kwargs, **options)
        scheduled.append((countdown, args[1]))

    monkeypatch.setattr(task, "apply_async", schedule)
    alert = create_and_send(staff, alert_body())
    by_device = dict(db.session.execute(select(Delivery.id, Delivery.device_id)
                                        .where(Delivery.alert_id == alert["id"])).all())
    waits = {by_device[ids[0]]: countdown for countdown, ids in scheduled}
    assert len(scheduled) == 2 and all(len(ids) == 1 for _, ids in scheduled)
    assert 600 <= waits[slow.id] <= 601
    assert 30 <= waits[flaky.id] <= 31  # the 500's own backoff, not the 429's 600 s


def test_retries_are_bounded_then_failed(app, auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(device, name)] = create_traveler(here("FR"))
    attempts = app.config["PUSH_MAX_ATTEMPTS"]
    receiver.script(name, [(503,)] * (attempts + 2))
    alert = create_and_send(staff, alert_body())
    for _ in range(attempts + 2):
        _retry_now(alert["id"])
    assert deliveries(alert["id"])[device.id] == ("failed", attempts, 503)
    assert receiver.received(name) == []


def test_payload_too_large_for_the_service_fails_without_retry(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(device, name)] = create_traveler(here("FR"))
    receiver.script(name, [(413,)])
    alert = create_and_send(staff, alert_body())
    assert deliveries(alert["id"])[device.id] == ("failed", 1, 413)


def test_resending_never_pushes_twice_but_reaches_newcomers(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(_, first)] = create_traveler(here("FR"))
    alert = create_and_send(staff, alert_body())
    _, [(_, newcomer)] = create_traveler(here("FR"))
    again = staff.post(f"/api/staff/alerts/{alert['id']}/send")
    assert again.status_code == 202
    tasks.sweep_pending()
    tasks.deliver_batch(alert["id"], list(db.session.scalars(select(Delivery.id))))
    assert len(receiver.received(first)) == 1 and len(receiver.received(newcomer)) == 1
    assert len(deliveries(alert["id"])) == 2


def test_sweep_requeues_deliveries_whose_task_was_lost(app, auth, create_traveler,
                                                       receiver, monkeypatch):
    staff, _ = auth.staff("admin")
    _, [(device, name)] = create_traveler(here("FR"))
    # The broker loses every batch message: deliveries stay pending.
    with monkeypatch.context() as patch:
        patch.setattr(tasks, "enqueue_pending", lambda *args, **kwargs: 0)
        alert = create_and_send(staff, alert_body())
    assert deliveries(alert["id"])[device.id][0] == "pending"
    assert tasks.sweep_pending() == 0  # not overdue yet
    db.session.execute(update(Delivery).values(
        next_attempt_at=utcnow() - timedelta(seconds=app.config["PUSH_SWEEP_AFTER_SECONDS"] + 5)))
    assert tasks.sweep_pending() == 1
    assert deliveries(alert["id"])[device.id][0] == "sent"
    assert len(receiver.received(name)) == 1


def test_long_text_is_cut_to_fit_one_push(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(_, name)] = create_traveler(here("FR"))
    long_text = "避难所 " * 2000
    create_and_send(staff, alert_body(texts=[
        {"language": "en", "headline": "Evacuate", "description": long_text}]))
    [message] = receiver.received(name)
    assert len(message.payload) <= 3993 and message.json["body"].endswith("…")


def test_cancel_pushes_a_cap_cancel_to_the_same_devices(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(_, name)] = create_traveler(here("FR"))
    alert = create_and_send(staff, alert_body())
    _, [(_, newcomer)] = create_traveler(here("FR"))
    response = staff.post(f"/api/staff/alerts/{alert['id']}/cancel")
    assert response.status_code == 200, response.json
    notice = response.json
    assert notice["msg_type"] == "Cancel" and notice["references"] == alert["id"]
    original, cancel = receiver.received(name)
    assert cancel.json["kind"] == "cancel" and cancel.json["tag"] == original.json["tag"]
    assert cancel.json["headline"].startswith("Cancelled")
    assert receiver.received(newcomer) == []
    assert db.session.get(Alert, alert["id"]).state == "cancelled"


def test_delivery_stats_and_clicks(auth, create_traveler, receiver):
    staff, _ = auth.staff("admin")
    _, [(_, ok)] = create_traveler(here("FR"))
    _, [(_, gone)] = create_traveler(here("FR"))
    receiver.script(gone, [(404,)])
    alert = create_and_send(staff, alert_body())
    stats = staff.get(f"/api/staff/alerts/{alert['id']}/deliveries").json
    assert stats.pop("series")["points"]  # the chart's stored series (tests/sms: its steps)
    assert stats == {"total": 2, "pending": 0, "sent": 1, "delivered": 0, "failed": 0,
                     "expired": 0, "gone": 1, "clicked": 0,
                     "by_channel": {"webpush": {"sent": 1, "delivered": 0, "failed": 1}},
                     "failures": [{"channel": "webpush", "state": "gone", "reason": None,
                                   "count": 1}]}


def _chunked(monkeypatch) -> list:
    """Materialize in chunks of 1, 2, 4... device ids (a handful of devices: several chunks),
    recording each chunk's (low, high)."""
    from server.broadcast import audience

    monkeypatch.setattr(audience, "FIRST_CHUNK", 1)
    seen, chunks = [], audience.chunks
    monkeypatch.setattr(audience, "chunks", lambda: seen.extend(chunks()) or chunks())
    return seen


def test_chunked_materialization_reaches_exactly_the_audience(auth, create_traveler,
                                                              receiver, monkeypatch):
    staff, _ = auth.staff("admin")
    inside, outside = [], []
    for number in range(9):
        _, [(device, name)] = create_traveler(here("FR" if number % 3 else "DE"))
        (inside if number % 3 else outside).append((device.id, name))
    seen = _chunked(monkeypatch)
    alert = create_and_send(staff, alert_body())
    assert len(seen) >= 3 and seen[0][0] is None and seen[-1][1] is None
    assert all(a[1] == b[0] for a, b in zip(seen, seen[1:], strict=False))  # no gap
    states = deliveries(alert["id"])
    assert sorted(states) == sorted(device_id for device_id, _ in inside)
    assert {state for state, _, _ in states.values()} == {"sent"}
    assert [len(receiver.received(name)) for _, name in inside] == [1] * len(inside)
    assert [len(receiver.received(name)) for _, name in outside] == [0] * len(outside)
    assert db.session.get(Alert, alert["id"]).state == "sent"


def _killed_after_the_first_chunk(alert_id: int) -> list[int]:
    """Run send_alert as a worker killed once its first chunk has committed; returns the
    number of rows each finished chunk created."""
    from server.broadcast import audience

    materialize, created = audience.materialize, []

    def dies_after_the_first_chunk(alert, low=None, high=None):
        if created:
            raise RuntimeError("worker killed")
        created.append(materialize(alert, low, high))
        return created[-1]

    with pytest.MonkeyPatch.context() as patch, pytest.raises(RuntimeError):
        patch.setattr(audience, "materialize", dies_after_the_first_chunk)
        tasks.send_alert(alert_id)
    return created


def _stalled_then_swept(app, alert_id: int) -> None:
    """The sweep leaves a send that still makes progress alone, and resumes it once stalled."""
    before = deliveries(alert_id)
    tasks.sweep_pending()
    assert deliveries(alert_id) == before  # still making progress, not yet stalled
    db.session.execute(update(Alert).where(Alert.id == alert_id).values(
        updated_at=utcnow() - timedelta(seconds=app.config["PUSH_SWEEP_AFTER_SECONDS"] + 5)))
    db.session.commit()
    tasks.sweep_pending()


def test_sending_that_died_between_chunks_is_resumed_by_the_sweep(app, auth,
                                                                  create_traveler, receiver,
                                                                  monkeypatch):
    staff, _ = auth.staff("admin")
    names = [create_traveler(here("FR"))[1][0][1] for _ in range(6)]
    _chunked(monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr("server.celery_app.enqueue", lambda *args: None)  # run by hand below
        alert_id = create_and_send(staff, alert_body())["id"]
    created = _killed_after_the_first_chunk(alert_id)
    first = deliveries(alert_id)
    assert 0 < len(first) < len(names)  # the first chunk committed and was pushed
    assert created == [len(first)]  # the INSERT's count of new rows (not psycopg's -1)
    assert {state for state, _, _ in first.values()} == {"sent"}
    assert db.session.get(Alert, alert_id).state == "sending"
    _stalled_then_swept(app, alert_id)
    assert db.session.get(Alert, alert_id).state == "sent"
    assert {state for state, _, _ in deliveries(alert_id).values()} == {"sent"}
    assert len(deliveries(alert_id)) == len(names)
    assert [len(receiver.received(name)) for name in names] == [1] * len(names)


def test_resend_that_died_between_chunks_is_resumed_by_the_sweep(app, auth,
                                                                 create_traveler, receiver,
                                                                 monkeypatch):
    staff, _ = auth.staff("admin")
    early = create_traveler(here("FR"))[1][0][1]
    alert_id = create_and_send(staff, alert_body())["id"]
    sent_at = db.session.get(Alert, alert_id).sent_at
    newcomers = [create_traveler(here("FR"))[1][0][1] for _ in range(6)]
    _chunked(monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr("server.celery_app.enqueue", lambda *args: None)  # run by hand below
        assert staff.post(f"/api/staff/alerts/{alert_id}/send").status_code == 202
    assert _killed_after_the_first_chunk(alert_id) == [0]  # the early traveler's chunk
    alert = db.session.get(Alert, alert_id)
    assert (alert.state, alert.sent_at) == ("sending", sent_at)  # resumable, still sent once
    _stalled_then_swept(app, alert_id)
    assert db.session.get(Alert, alert_id).state == "sent"
    assert db.session.get(Alert, alert_id).sent_at == sent_at
    assert [len(receiver.received(name)) for name in [early, *newcomers]] == [1] * 7


def test_deleting_an_account_deletes_its_deliveries(auth, create_traveler, receiver):
    from server.accounts import services as accounts

    staff, _ = auth.staff("admin")
    user, _ = create_traveler(here("FR"))
    create_traveler(here("FR"))
    alert = create_and_send(staff, alert_body())
    user.password_hash = accounts.hash_password("a long passphrase of mine")
    accounts.delete_account(user, "a long passphrase of mine")
    rows = db.session.scalars(select(Delivery.user_id).where(Delivery.alert_id == alert["id"]))
    assert user.id not in set(rows) and len(deliveries(alert["id"])) == 1
