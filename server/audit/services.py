"""Write audit events. Flushes only: the event commits or rolls back with the action itself."""
from __future__ import annotations

from flask import has_request_context, request

from server.audit.models import AuditEvent
from server.db import db


def record(actor, action: str, target=None, *, target_type: str | None = None,
           target_id=None, **details) -> AuditEvent:
    """Record ``actor`` doing ``action`` to ``target`` (any model with ``id``)."""
    if target is not None:
        target_type = target_type or target.__tablename__
        target_id = target_id if target_id is not None else target.id
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or str(actor),
        action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        embassy_id=getattr(actor, "embassy_id", None), details=details,
        address=request.remote_addr if has_request_context() else None)
    db.session.add(event)
    db.session.flush()
    return event
