"""SOS fixtures: the broadcast's direct push stood in for, a traveler's case in Paris."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.db import db
from server.sos.models import SosCase
from tests.sos.helpers import sos_body


@pytest.fixture
def pushes(monkeypatch):
    """Stand in for the broadcast's ``direct.send_to_person(user_id, kind, data)``.

    The staff tests use it: none of them may reach the real sender's background worker.
    """
    from server.broadcast import direct

    calls = []
    monkeypatch.setattr(direct, "send_to_person", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def paris_case(client, auth, create_mission):
    """A traveler's open case in the Paris mission's queue: (traveler JSON, case row)."""
    create_mission("fr-paris", "FR", ["FR"], names={"zh_Hans": "驻法国大使馆"})
    traveler = auth.signup(client, language="en")
    body = sos_body(lat=48.85, lon=2.35, accuracy=20, message="Robbed near the station")
    assert client.post("/api/sos", json=body).status_code == 201
    return traveler, db.session.scalar(select(SosCase).where(
        SosCase.client_uuid == body["client_uuid"]))
