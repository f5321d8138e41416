"""Escalation: an SOS left unacknowledged for ``SOS_ESCALATE_AFTER_MINUTES`` is announced to
every officer of its mission and to the admins (a live event and an email), once per case,
audited."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, exists, select

from server.audit import services as audit
from server.audit.models import AuditEvent
from server.db import db, utcnow
from server.live import publish_after_commit
from server.sos.models import SosCase
from server.staff.notify import acting_staff, email_staff

ACTION = "sos.escalate"


def overdue(minutes: int, limit: int = 500) -> list[SosCase]:
    """Open cases older than ``minutes`` not escalated yet (the audit log says which were)."""
    escalated = exists().where(AuditEvent.action == ACTION,
                               AuditEvent.target_type == SosCase.__tablename__,
                               AuditEvent.target_id == cast(SosCase.id, String))
    return list(db.session.scalars(
        select(SosCase).where(SosCase.state == "open",
                              SosCase.received_at <= utcnow() - timedelta(minutes=minutes),
                              ~escalated).order_by(SosCase.id).limit(limit)))


@shared_task(name="sos.escalate")
def escalate() -> int:
    """Escalate every overdue open case once; returns how many."""
    minutes = current_app.config["SOS_ESCALATE_AFTER_MINUTES"]
    cases = overdue(minutes)
    for sos in cases:
        audit.record("system", ACTION, sos, minutes=minutes, embassy_id=sos.embassy_id)
        publish_after_commit("sos.escalated", sos.embassy_id, case=sos.id, minutes=minutes)
        email_staff(acting_staff(sos.embassy_id),
                    _l("SOS case %(case)s is waiting for acknowledgement"),
                    [_l("SOS case %(case)s has waited %(minutes)s min without acknowledgement. "
                        "Acknowledge it in the console so the traveler knows help is coming.")],
                    f"/sos/{sos.id}", case=sos.id, minutes=minutes)
    db.session.commit()
    return len(cases)
