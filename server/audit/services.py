"""Write audit events. Never commits: the event commits or rolls back with the action itself."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import delete, select

from server.audit.models import AuditEvent
from server.db import DB_INT_MAX, db, insert_row, recording_during_a_read


def record(actor, action: str, target=None, *, target_type: str | None = None,
           target_id=None, **details) -> AuditEvent:
    """Record ``actor`` doing ``action`` to ``target`` (any model with ``id``)."""
    recording_during_a_read()
    if target is not None:
        target_type = target_type or target.__tablename__
        target_id = target_id if target_id is not None else target.id
    return insert_row(AuditEvent, dict(
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or str(actor),
        action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        embassy_id=getattr(actor, "embassy_id", None), details=details,
        address=request.remote_addr if has_request_context() else None))


def _as_id(text: str) -> int | None:
    """``text`` as a user id, if it is one an id column can hold (``str.isdigit`` also accepts
    "²", which ``int`` refuses; a longer number would overflow the driver)."""
    if text.isascii() and text.isdigit() and int(text) <= DB_INT_MAX:
        return int(text)
    return None


def search(*, actor: str | None = None, action: str | None = None,
           target_type: str | None = None, target_id: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           before_id: int | None = None, limit: int = 50) -> list[AuditEvent]:
    """Events matching every filter given, newest first; page on with ``before_id``.

    ``actor`` is a user id or an email; ``action`` ending in ``*`` is a prefix (``sos.*``).
    """
    query = select(AuditEvent)
    if actor:
        actor_id = _as_id(actor)
        query = query.where(AuditEvent.actor_id == actor_id if actor_id is not None
                            else AuditEvent.actor_label == actor.strip().lower())
    if action:
        query = query.where(AuditEvent.action.startswith(action[:-1], autoescape=True)
                            if action.endswith("*") else AuditEvent.action == action)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if target_id:
        query = query.where(AuditEvent.target_id == target_id)
    if since:
        query = query.where(AuditEvent.created_at >= since)
    if until:
        query = query.where(AuditEvent.created_at < until)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


TRIGGER = "audit_events_append_only"


def purge(*conditions) -> int:
    """Delete the events matching ``conditions``: the one privileged path around the
    append-only rule, for a retention job and for tests that commit for real.

    Bypasses the ORM guard by running on the connection; on PostgreSQL it switches the
    trigger off inside this transaction only (DDL is transactional, and the table lock keeps
    other writers out until the commit), which needs a role that owns ``audit_events``.
    """
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql(f"ALTER TABLE audit_events DISABLE TRIGGER {TRIGGER}")
    deleted = connection.execute(delete(AuditEvent.__table__).where(*conditions)).rowcount
    if postgres:
        connection.exec_driver_sql(f"ALTER TABLE audit_events ENABLE TRIGGER {TRIGGER}")
    return deleted
