"""A fan-out worker killed mid-batch, or the broker losing its messages: the sweep resumes
what is still pending, no device is left out, and a push made twice (the worker died after
pushing, before recording it) carries the same notification tag, so the phone shows it once.

The worker is killed in-process: its batch claims the deliveries (with a lease) and dies before
a single result is written; time then passes the lease and the sweep's grace period.
"""
from __future__ import annotations

import contextlib
from datetime import timedelta

from sqlalchemy import func, select, update

from server.broadcast import tasks
from server.broadcast.models import Delivery
from server.db import db, utcnow
from tests.alerts.helpers import alert_body, create_and_send, deliveries
from tests.fixtures.push import here

TRAVELERS = 12


class WorkerKilled(BaseException):
    """A process killed mid-batch: nothing of the app's runs after it (not an ``Exception``,
    which the fan-out would record as a retry: see the next test)."""


def _travelers(create_traveler, count=TRAVELERS):
    return [create_traveler(here("FR"))[1][0] for _ in range(count)]


def _time_passes(app, alert_id):
    """Move every pending delivery's due time and lease back past the sweep's grace."""
    past = utcnow() - timedelta(seconds=app.config["PUSH_LEASE_SECONDS"]
                                + app.config["PUSH_SWEEP_AFTER_SECONDS"] + 5)
    db.session.execute(update(Delivery).where(Delivery.alert_id == alert_id,
                                              Delivery.state == "pending")
                       .values(next_attempt_at=past, leased_until=past))


def test_a_channel_that_raises_retries_its_rows_with_the_reason_then_fails_them(
        app, auth, create_traveler, receiver, monkeypatch):
    staff, _ = auth.staff("admin")
    devices = _travelers(create_traveler)

    def broken(*_args, **_kwargs):
        raise RuntimeError("sender thread died")

    monkeypatch.setattr("server.devices.keys.sender", lambda: type(
        "Broken", (), {"send": staticmethod(broken)})())
    create_and_send(staff, alert_body())
    alert_id = db.session.scalar(select(Delivery.alert_id).limit(1))
    rows = db.session.execute(select(Delivery.state, Delivery.error)
                              .where(Delivery.alert_id == alert_id)).all()
    assert {tuple(row) for row in rows} == {
        ("pending", "webpush: RuntimeError: sender thread died")}
    for _ in range(app.config["PUSH_MAX_ATTEMPTS"]):
        _time_passes(app, alert_id)
        tasks.sweep_pending()
    states = deliveries(alert_id)
    assert {states[device.id][:2] for device, _ in devices} == {
        ("failed", app.config["PUSH_MAX_ATTEMPTS"])}
    assert receiver.requests == 0


def test_a_worker_killed_mid_batch_is_resumed_by_the_sweep(app, auth, create_traveler,
                                                           receiver, monkeypatch):
    staff, _ = auth.staff("admin")
    devices = _travelers(create_traveler)
    def die_after_claiming(*_args, **_kwargs):
        raise WorkerKilled  # the process is gone: no push, no result written

    with monkeypatch.context() as patch:
        patch.setattr("server.devices.keys.sender", lambda: type(
            "Dead", (), {"send": staticmethod(die_after_claiming)})())
        with contextlib.suppress(WorkerKilled):
            create_and_send(staff, alert_body())
    alert_id = db.session.scalar(select(Delivery.alert_id).limit(1))
    states = deliveries(alert_id)
    assert {state for state, _, _ in states.values()} == {"pending"}
    assert {attempts for _, attempts, _ in states.values()} == {1}  # claimed, then lost
    assert receiver.requests == 0
    assert tasks.sweep_pending() == 0  # the lease still holds: nobody else may push them

    _time_passes(app, alert_id)
    assert tasks.sweep_pending() == 1  # one batch re-enqueued
    states = deliveries(alert_id)
    assert {device.id: states[device.id][0] for device, _ in devices} == {
        device.id: "sent" for device, _ in devices}
    assert all(len(receiver.received(name)) == 1 for _, name in devices)


def test_lost_broker_messages_are_resumed_by_the_sweep(app, auth, create_traveler,
                                                       receiver, monkeypatch):
    staff, _ = auth.staff("admin")
    monkeypatch.setitem(app.config, "PUSH_BATCH_SIZE", 5)  # several batches, all lost
    devices = _travelers(create_traveler)
    with monkeypatch.context() as patch:
        # The broker restarts without persistence: every batch message is dropped.
        from server.celery_app import bound as real_bound

        patch.setattr(tasks, "bound", lambda task: (
            _Dropped() if task.name == "broadcast.deliver_batch" else real_bound(task)))
        alert = create_and_send(staff, alert_body())
    assert {state for state, _, _ in deliveries(alert["id"]).values()} == {"pending"}
    assert receiver.requests == 0

    db.session.execute(update(Delivery).where(Delivery.alert_id == alert["id"]).values(
        next_attempt_at=utcnow() - timedelta(seconds=app.config["PUSH_SWEEP_AFTER_SECONDS"] + 5)))
    assert tasks.sweep_pending() == 3  # 12 deliveries in batches of 5
    assert all(len(receiver.received(name)) == 1 for _, name in devices)
    assert {state for state, _, _ in deliveries(alert["id"]).values()} == {"sent"}


class _Dropped:
    def delay(self, *args, **kwargs):
        return None

    def apply_async(self, *args, **kwargs):
        return None


def test_a_push_repeated_after_a_crash_carries_the_same_tag(app, auth,
                                                            create_traveler, receiver,
                                                            monkeypatch):
    staff, _ = auth.staff("admin")
    devices = _travelers(create_traveler, 4)
    # The worker pushes, then dies before writing the results: the pushes went out, the
    # deliveries still say pending.
    with monkeypatch.context() as patch:
        def crash(*_args, **_kwargs):
            raise WorkerKilled

        patch.setattr(tasks, "_apply_results", crash)
        with contextlib.suppress(WorkerKilled):
            create_and_send(staff, alert_body())
    alert_id = db.session.scalar(select(Delivery.alert_id).limit(1))
    assert receiver.count == 4
    _time_passes(app, alert_id)
    tasks.sweep_pending()
    assert {state for state, _, _ in deliveries(alert_id).values()} == {"sent"}
    for _, name in devices:
        pushes = receiver.received(name)
        assert len(pushes) == 2  # at-least-once: the second push is the duplicate ...
        # ... which the service worker folds into the first: the same tag (and Topic).
        assert {p.json["tag"] for p in pushes} == {f"alert-{alert_id}"}
        assert {p.headers["topic"] for p in pushes} == {f"alert-{alert_id}"}


def test_batches_close_when_done_and_the_sweep_closes_a_cancelled_alerts(
        app, auth, create_traveler, receiver, monkeypatch):
    from server.broadcast.models import DeliveryBatch

    staff, _ = auth.staff("admin")
    monkeypatch.setitem(app.config, "PUSH_BATCH_SIZE", 5)
    _travelers(create_traveler)
    sent = create_and_send(staff, alert_body())
    with monkeypatch.context() as patch:
        from server.celery_app import bound as real_bound

        patch.setattr(tasks, "bound", lambda task: (
            _Dropped() if task.name == "broadcast.deliver_batch" else real_bound(task)))
        lost = create_and_send(staff, alert_body())

    def still_open(alert_id):
        return db.session.scalar(select(func.count()).where(
            DeliveryBatch.alert_id == alert_id, DeliveryBatch.done_at.is_(None)))

    assert (still_open(sent["id"]), still_open(lost["id"])) == (0, 3)
    assert staff.post(f"/api/staff/alerts/{lost['id']}/cancel").status_code == 200
    assert tasks.sweep_pending() == 0  # nothing pending is left to send: closed, not resumed
    assert still_open(lost["id"]) == 0
