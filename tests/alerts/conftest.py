"""Fixtures for devices and alerts: a local push receiver, eager Celery, travelers with
trips and subscribed devices, and staff signed in to their mission."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from server.accounts.models import User
from server.db import db, utcnow
from server.devices.keys import public_key
from server.devices.models import Device
from server.staff import services as staff
from server.trips.models import Leg, Trip
from tests.conftest import ApiClient
from tests.pushreceiver import PushReceiver, make_subscription
from tests.staff_auth import enrol

STAFF_PASSWORD = "a long staff password"
TODAY = date.today()


@pytest.fixture(autouse=True)
def push_config(app, monkeypatch):
    """Tasks run inline (eager); http endpoints on any host reach the local receiver."""
    celery = app.extensions["celery"]
    celery.set_current()  # building another app (a live one) made its Celery current
    celery.set_default()
    eager = celery.conf.task_always_eager
    celery.conf.task_always_eager = True
    monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", True)
    monkeypatch.setitem(app.config, "PUSH_SERVICE_HOSTS", ())
    yield
    celery.conf.task_always_eager = eager


@pytest.fixture
def receiver(app):
    with app.app_context():
        key = public_key()
    with PushReceiver(expected_vapid_public_key=key, subject=app.config["VAPID_SUBJECT"]) as r:
        yield r


@pytest.fixture
def new_client(app):
    def _new():
        app.test_client_class = ApiClient
        client = app.test_client()
        client.get("/api/config")
        return client

    return _new


@pytest.fixture
def create_traveler(receiver):
    """A traveler (made directly in the database) with legs and subscribed devices.

    ``legs``: (country, subdivision, lat, lon, start, end) tuples, one trip.
    Returns (user, [(device, subscription_name), ...]).
    """

    def _create(*legs, language="en", devices=1, device_language=None, consent=False,
                position=None, position_age=timedelta()):
        user = User(email=f"t-{uuid.uuid4().hex[:8]}@example.org", password_hash="x",
                    name="Traveler", phone="+8613800138000", language=language,
                    role="traveler", location_consent=consent)
        db.session.add(user)
        db.session.flush()
        if legs:
            trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="W",
                        emergency_contact_phone="+8613900139000",
                        start_date=min(leg[4] for leg in legs),
                        end_date=None if any(leg[5] is None for leg in legs)
                        else max(leg[5] for leg in legs))
            trip.legs = [Leg(user_id=user.id, country=c, subdivision=s, lat=lat, lon=lon,
                             start_date=start, end_date=end)
                         for c, s, lat, lon, start, end in legs]
            db.session.add(trip)
        made = []
        for _ in range(devices):
            name = uuid.uuid4().hex[:10]
            sub = make_subscription(receiver, name)
            device = Device(user_id=user.id, endpoint=sub.endpoint, p256dh=sub.p256dh,
                            auth=sub.auth, language=device_language)
            if position:
                from server.embassies.services import country_at

                device.place(*position, None, utcnow() - position_age, country_at(*position))
            db.session.add(device)
            made.append((device, name))
        db.session.flush()
        return user, made

    return _create


def here(country="FR", subdivision=None, lat=None, lon=None, start=-2, end=5):
    """A leg tuple with start/end in days from today (end=None: resident)."""
    return (country, subdivision, lat, lon, TODAY + timedelta(days=start),
            None if end is None else TODAY + timedelta(days=end))


@pytest.fixture
def sign_in_staff(new_client):
    """Create a staff member and a client signed in as them: returns (client, user)."""

    def _sign_in(role="officer", embassy_key=None):
        email = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        user = staff.create_staff(email=email, name=f"{role} staff", role=role,
                                  password=STAFF_PASSWORD, embassy_key=embassy_key)
        client = new_client()
        enrol(client, email, STAFF_PASSWORD)
        return client, user

    return _sign_in


def alert_body(*areas, severity="Moderate", texts=None, hours=6, **fields):
    now = utcnow()
    return {
        "category": "Safety", "event": "Civil unrest", "urgency": "Immediate",
        "severity": severity, "certainty": "Observed",
        "effective": now.isoformat(), "expires": (now + timedelta(hours=hours)).isoformat(),
        "texts": texts or [
            {"language": "en", "headline": "Stay indoors", "description": "Protests downtown."},
            {"language": "zh_Hans", "headline": "请待在室内", "description": "市中心有抗议活动。"}],
        "areas": list(areas) or [{"kind": "country", "code": "FR"}],
        **fields,
    }
