"""Shared helpers for the SOS tests (fixtures: tests/sos/conftest.py, tests/conftest.py)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.audit.models import AuditEvent
from server.db import db


def now_iso(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def sos_body(**fields) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "raised_at": now_iso(), **fields}


def actions(case_id) -> list[str]:
    """The audit actions recorded on SOS case ``case_id``, oldest first."""
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "sos_cases", AuditEvent.target_id == str(case_id))
        .order_by(AuditEvent.id)).all()
