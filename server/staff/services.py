"""Staff accounts."""
from __future__ import annotations

from sqlalchemy import select

from server.accounts import services as accounts
from server.accounts.models import STAFF_ROLES, User
from server.audit import services as audit
from server.db import db
from server.embassies.models import Embassy


def create_staff(email: str, name: str, role: str, password: str,
                 embassy_key: str | None = None, created_by: User | None = None) -> User:
    """Create a staff member; officers and viewers belong to a mission. Flushes only."""
    if role not in STAFF_ROLES:
        raise ValueError(f"unknown staff role {role!r}")
    if len(password) < 12:
        raise ValueError("staff passwords need at least 12 characters")
    if accounts.find_by_email(email):
        raise ValueError(f"an account with {email} exists")
    embassy = None
    if embassy_key:
        embassy = db.session.scalar(select(Embassy).where(Embassy.key == embassy_key))
        if embassy is None:
            raise ValueError(f"no mission with key {embassy_key!r}")
    elif role != "admin":
        raise ValueError("officers and viewers belong to a mission: give --embassy")
    user = User(email=email.strip().lower(), name=name, role=role,
                password_hash=accounts.hash_password(password),
                embassy_id=embassy.id if embassy else None)
    db.session.add(user)
    db.session.flush()
    audit.record(created_by or "cli", "staff.create", user, role=role)
    return user
