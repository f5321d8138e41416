"""Roll-call fixtures: the alerts' ones (eager Celery, local push receiver, travelers with
devices, staff signed in), a client signed in as a given traveler, request bodies."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.db import db, utcnow
from server.rollcall.models import RollCallRecipient
from server.trips.models import Leg
from tests.alerts.conftest import (  # noqa: F401  (fixtures)
    create_traveler,
    here,
    new_client,
    push_config,
    receiver,
)
from tests.conftest import ApiClient

PARIS = (48.8566, 2.3522)


@pytest.fixture
def as_traveler(app):
    """A client signed in as ``user`` (made directly in the database)."""

    def _client(user):
        app.test_client_class = ApiClient
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        client.get("/api/config")
        return client

    return _client


@pytest.fixture
def traveler(create_traveler):  # noqa: F811  (the fixture imported above)
    """``create_traveler`` with the city of the stay set: returns (user, devices)."""

    def _make(country="FR", city=None, devices=1, **kwargs):
        leg = kwargs.pop("leg", None) or here(country)
        user, made = create_traveler(leg, devices=devices, **kwargs)
        if city:
            db.session.execute(update(Leg).where(Leg.user_id == user.id).values(city=city))
        return user, made

    return _make


def rollcall_body(*areas, hours=6, texts=None):
    return {
        "texts": texts or [
            {"language": "en", "question": "Earthquake in the area. Are you safe?"},
            {"language": "zh_Hans", "question": "该地区发生地震。您安全吗？"}],
        "areas": list(areas) or [{"kind": "country", "code": "FR"}],
        "deadline": (utcnow() + timedelta(hours=hours)).isoformat(),
    }


def start(staff, *areas, **kwargs) -> dict:
    response = staff.post("/api/staff/rollcalls", json=rollcall_body(*areas, **kwargs))
    assert response.status_code == 202, response.json
    return response.json


def answer_body(answer="safe", at=None, **fields):
    return {"answer": answer, "answered_at": (at or utcnow()).isoformat(),
            "client_uuid": str(uuid.uuid4()), **fields}


def recipients(rollcall_id: int) -> dict[int, RollCallRecipient]:
    db.session.expire_all()
    return {r.user_id: r for r in db.session.scalars(
        select(RollCallRecipient).where(RollCallRecipient.rollcall_id == rollcall_id))}
