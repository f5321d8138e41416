"""The embedded default: no broker, the Celery worker runs inside the web process.

A live app on a file SQLite database whose requests commit for real: sending answers 202 at
once and the deliveries complete in the background.
"""
from __future__ import annotations

import time
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from server.broadcast.models import Delivery
from server.db import db
from server.devices.keys import public_key
from server.devices.models import Device
from server.staff import services as staff
from server.trips.models import Leg, Trip
from tests.alerts.helpers import alert_body
from tests.auth import STAFF_PASSWORD, ApiClient, Auth, enrol
from tests.conftest import make_test_app, stop_background
from tests.fixtures.push import here
from tests.pushreceiver import PushReceiver, make_subscription


@pytest.fixture
def live_app(app, tmp_path_factory):
    database = tmp_path_factory.mktemp("live") / "live.db"
    live = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
                         PUSH_ALLOW_HTTP=True, PUSH_SERVICE_HOSTS=())
    celery = live.extensions["celery"]
    celery.conf.task_default_queue = f"embedded-test-{uuid.uuid4().hex[:8]}"  # no crosstalk
    # The worker thread finds tasks through Celery's default app: the live one while it runs.
    celery.set_current()
    celery.set_default()
    with live.app_context():
        upgrade(revision="heads")
    live.test_client_class = ApiClient
    yield live
    stop_background(live)
    with live.app_context():
        db.engine.dispose()
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


def _deliveries(live) -> list[str]:
    with live.app_context():
        return list(db.session.scalars(select(Delivery.state)))


def test_send_returns_at_once_and_the_in_process_worker_delivers(live_app):
    assert live_app.extensions["celery_embedded"]
    with live_app.app_context():
        key = public_key()
    with PushReceiver(expected_vapid_public_key=key) as receiver, live_app.app_context():
        user = staff.create_staff(email="admin@example.org", name="Admin", role="admin",
                                  password=STAFF_PASSWORD)
        country, sub, lat, lon, start, end = here("FR")
        trip = Trip(user_id=user.id, purpose="work", emergency_contact_name="W",
                    emergency_contact_phone="+8613900139000", start_date=start, end_date=end)
        trip.legs = [Leg(user_id=user.id, country=country, start_date=start, end_date=end)]
        db.session.add(trip)
        for name in ("slow", "fast"):
            subscription = make_subscription(receiver, name)
            db.session.add(Device(user_id=user.id, endpoint=subscription.endpoint,
                                  p256dh=subscription.p256dh, auth=subscription.auth))
        db.session.commit()
        receiver.script("slow", [("timeout", 1.5)])  # answers 201, after 1.5 s

        client = Auth(live_app).client()
        enrol(client, "admin@example.org", STAFF_PASSWORD)
        alert_id = client.post("/api/staff/alerts", json=alert_body()).json["id"]
        response = client.post(f"/api/staff/alerts/{alert_id}/send")
        assert response.status_code == 202
        # The slow push service holds its answer for 1.5 s: the 202 came before it.
        assert _deliveries(live_app).count("sent") < 2

        deadline = time.monotonic() + 30
        while _deliveries(live_app) != ["sent", "sent"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _deliveries(live_app) == ["sent", "sent"]
        assert len(receiver.received("fast")) == 1 and receiver.requests == 2
        assert live_app.extensions["celery_worker"] is not None
