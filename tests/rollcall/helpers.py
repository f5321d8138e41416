"""Helpers shared by the roll-call tests: request bodies, starting a roll call, recipients."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from server.db import db, utcnow
from server.rollcall.models import RollCallRecipient

PARIS = (48.8566, 2.3522)


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
