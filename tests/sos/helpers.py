"""Shared helpers for the SOS tests (fixtures come from tests/conftest.py)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from server.staff import services as staff
from tests.staff_auth import enrol

STAFF_PASSWORD = "a long staff password"


def now_iso(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def sos_body(**fields) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "raised_at": now_iso(), **fields}


def sign_in_staff(client, role: str, embassy_key: str | None = None, email: str | None = None):
    """Create a staff account (in the test's transaction) and sign ``client`` in with it."""
    email = email or f"{role}-{embassy_key or 'hq'}-{uuid.uuid4().hex[:6]}@example.org"
    user = staff.create_staff(email=email, name=f"{role.title()} Staff", role=role,
                              password=STAFF_PASSWORD, embassy_key=embassy_key)
    enrol(client, email, STAFF_PASSWORD)
    return user
