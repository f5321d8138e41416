"""Helpers shared by the alert tests."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.broadcast.models import Delivery
from server.db import db, utcnow


def deliveries(alert_id: int) -> dict[int, tuple]:
    """device_id -> (state, attempts, last_status), read fresh (not from the identity map)."""
    rows = db.session.execute(select(Delivery.device_id, Delivery.state, Delivery.attempts,
                                     Delivery.last_status).where(Delivery.alert_id == alert_id))
    return {r.device_id: (r.state, r.attempts, r.last_status) for r in rows}


def create_and_send(client, body, approver=None) -> dict:
    """Draft, (approve,) send; returns the alert JSON from the send response."""
    created = client.post("/api/staff/alerts", json=body)
    assert created.status_code == 201, created.json
    alert_id = created.json["id"]
    if approver is not None:
        approved = approver.post(f"/api/staff/alerts/{alert_id}/approve")
        assert approved.status_code == 200, approved.json
    sent = client.post(f"/api/staff/alerts/{alert_id}/send")
    assert sent.status_code == 202, sent.json
    return sent.json


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
