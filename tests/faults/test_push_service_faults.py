"""A push service that fails, throttles or hangs for a share of requests: every device still
gets the alert exactly once, retries are bounded, and what failed is recorded.

The retry countdown is collapsed with the settings (``PUSH_RETRY_MAX_SECONDS = 0``) so the
eager retry task runs at once instead of after its backoff.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.broadcast.models import Delivery
from server.db import db
from server.devices import keys
from tests.alerts.helpers import alert_body, create_and_send, deliveries
from tests.fixtures.push import here

TRAVELERS = 24


@pytest.fixture
def fast_retries(app, monkeypatch):
    """Retries at once, a short push timeout, and a sender built with them."""
    monkeypatch.setitem(app.config, "PUSH_RETRY_MAX_SECONDS", 0)
    monkeypatch.setitem(app.config, "PUSH_TIMEOUT_SECONDS", 0.5)
    keys._senders.clear()  # the cached sender keeps the timeout it was made with
    yield
    keys._senders.clear()


def test_flaky_throttling_and_hanging_push_service_still_delivers_once(
        app, auth, create_traveler, receiver, fast_retries, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_MAX_ATTEMPTS", 10)
    staff, _ = auth.staff("admin")
    devices = [create_traveler(here("FR"))[1][0] for _ in range(TRAVELERS)]
    for index, (_, name) in enumerate(devices):
        if index % 4 == 0:
            receiver.script(name, [(429, {"Retry-After": "120"})])
        elif index % 4 == 1:
            receiver.script(name, [("timeout", 2)])
        elif index % 4 == 2:
            receiver.script(name, [(503,), (429, {"Retry-After": "5"})])
    receiver.fail_ratio(500, 0.3, seed=11)  # and about a third of every other request fails

    alert = create_and_send(staff, alert_body())

    states = deliveries(alert["id"])
    assert {device.id: states[device.id][0] for device, _ in devices} == {
        device.id: "sent" for device, _ in devices}
    for _, name in devices:
        assert len(receiver.received(name)) == 1, name  # exactly once
        assert receiver.received(name)[0].json["tag"] == f"alert-{alert['id']}"
    attempts = {device.id: states[device.id][1] for device, _ in devices}
    assert all(attempts[d.id] >= 2 for i, (d, _) in enumerate(devices) if i % 4 != 3)
    assert max(attempts.values()) <= 10  # bounded
    # Every attempt is one request to the push service: nothing was pushed off the books.
    assert receiver.requests == sum(attempts.values())
    assert receiver.rejections == []


def test_retries_stop_at_the_bound_and_the_failure_is_recorded(
        app, auth, create_traveler, receiver, fast_retries, monkeypatch):
    warnings = []
    monkeypatch.setattr(app.logger, "warning", lambda *args: warnings.append(args[0] % args[1:]))
    staff, _ = auth.staff("admin")
    _, [(broken, broken_name)] = create_traveler(here("FR"))
    _, [(healthy, healthy_name)] = create_traveler(here("FR"))
    receiver.script(broken_name, [(503,)] * 20)
    receiver.script(healthy_name, [("timeout", 2), (500,)])

    alert = create_and_send(staff, alert_body())

    limit = app.config["PUSH_MAX_ATTEMPTS"]
    states = deliveries(alert["id"])
    assert states[broken.id] == ("failed", limit, 503)
    assert states[healthy.id][:2] == ("sent", 3)
    assert receiver.received(broken_name) == [] and len(receiver.received(healthy_name)) == 1
    assert receiver.requests == limit + 3
    assert any("delivery" in w and "failed" in w for w in warnings)  # and logged
    pending = db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.alert_id == alert["id"], Delivery.state == "pending"))
    assert pending == 0  # nothing left hanging for the sweep
