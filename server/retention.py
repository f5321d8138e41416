"""Retention: personal data is kept only as long as the ministry configures.

- Trips (with their stays and companions) are deleted ``RETENTION_TRIP_DAYS`` after they end;
  a trip without an end (resident abroad) is kept while it lasts.
- A device's last position is forgotten ``RETENTION_POSITION_HOURS`` after it was taken; the
  positions sent with roll-call answers and crisis sign-ups, that long after the roll call
  closed (the answers and counts stay; a "help" answer's position lives on in its SOS case).
- Closed SOS cases are anonymized ``RETENTION_SOS_DAYS`` after they closed: the case stays
  (mission, country, state, times: the statistics) without the person, the message, the
  position trail or the notes (the name is a neutral marker, shown through ``shown_name`` in
  the reader's language). Open cases are never touched.
- Audit events are deleted ``RETENTION_AUDIT_DAYS`` after they were written.
- Sign-in throttle counts are deleted ``LOGIN_THROTTLE_FORGET_HOURS`` after the last failure.
- Sign-ups never confirmed (``pending_signups``) are deleted when their link expires (48 hours).
``None`` keeps that kind forever. A Celery beat task runs it every hour.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from celery import shared_task
from flask import current_app
from flask_babel import gettext
from sqlalchemy import and_, delete, or_, select, update

from server.accounts import signup, throttle
from server.audit import services as audit
from server.audit.models import AuditEvent
from server.crisis.models import CrisisRegistration
from server.db import db, utcnow
from server.devices.models import Device
from server.rollcall.models import RollCall, RollCallAnswer, RollCallRecipient
from server.sos.models import SosCase, SosFollowUp, SosNote, SosPosition
from server.trips.models import Trip

ANONYMIZED = "(anonymized)"  # stored in place of the name: a marker, not a text to show


def shown_name(user_name: str) -> str:
    """A case's traveler name as shown: an anonymized case says so in the reader's language."""
    return gettext("Anonymized traveler") if user_name == ANONYMIZED else user_name


def expired_trips(today: date, days: int) -> int:
    cutoff = today - timedelta(days=days)
    return db.session.execute(
        delete(Trip).where(Trip.end_date.is_not(None), Trip.end_date < cutoff)
        .execution_options(synchronize_session=False)).rowcount


def stale_positions(now: datetime, hours: int) -> int:
    cutoff = now - timedelta(hours=hours)
    return db.session.execute(
        update(Device).where(Device.position_at.is_not(None), Device.position_at < cutoff)
        .values(**Device.NO_POSITION)
        .execution_options(synchronize_session=False)).rowcount


def closed_rollcall_positions(now: datetime, hours: int) -> int:
    """Forget the positions of answers to roll calls closed before the cutoff; returns how
    many answers lost theirs."""
    cutoff = now - timedelta(hours=hours)
    closed = select(RollCall.id).where(RollCall.state == "closed", RollCall.closed_at < cutoff)
    counts = [db.session.execute(
        update(model).where(model.rollcall_id.in_(closed), model.lat.is_not(None))
        .values(lat=None, lon=None, accuracy=None)
        .execution_options(synchronize_session=False)).rowcount
        for model in (RollCallAnswer, RollCallRecipient, CrisisRegistration)]
    return counts[0]


def closed_sos_cases(now: datetime, days: int) -> int:
    """Strip the person from cases closed before the cutoff (once: a stripped case has no
    user name left to strip)."""
    cutoff = now - timedelta(days=days)
    closed = or_(and_(SosCase.state == "resolved", SosCase.resolved_at < cutoff),
                 and_(SosCase.state == "cancelled", SosCase.cancelled_at < cutoff))
    ids = list(db.session.scalars(select(SosCase.id).where(
        closed, SosCase.user_name != ANONYMIZED)))
    if not ids:
        return 0
    db.session.execute(delete(SosPosition).where(SosPosition.case_id.in_(ids)))
    db.session.execute(delete(SosNote).where(SosNote.case_id.in_(ids)))
    db.session.execute(delete(SosFollowUp).where(SosFollowUp.case_id.in_(ids)))
    db.session.execute(
        update(SosCase).where(SosCase.id.in_(ids)).values(
            user_id=None, user_name=ANONYMIZED, user_phone=None, user_email=None, trip_id=None,
            message=None, lat=None, lon=None, accuracy=None, position_at=None,
            flag_reason=None, updated_at=now)
        .execution_options(synchronize_session=False))
    return len(ids)


def old_audit_events(now: datetime, days: int) -> int:
    return audit.purge(AuditEvent.created_at < now - timedelta(days=days))


def apply(now: datetime | None = None, audit_log: bool = True) -> dict[str, int]:
    """Apply every retention rule as of ``now`` (tests pass their own); flushes only."""
    now = now or utcnow()
    cfg = current_app.config
    done = {"sign_in_throttles": throttle.forget_idle(
        now - timedelta(hours=cfg["LOGIN_THROTTLE_FORGET_HOURS"])),
        "pending_signups": signup.forget_expired(now)}
    if cfg["RETENTION_TRIP_DAYS"] is not None:
        done["trips"] = expired_trips(now.date(), cfg["RETENTION_TRIP_DAYS"])
    if cfg["RETENTION_POSITION_HOURS"] is not None:
        done["positions"] = stale_positions(now, cfg["RETENTION_POSITION_HOURS"])
        done["rollcall_positions"] = closed_rollcall_positions(
            now, cfg["RETENTION_POSITION_HOURS"])
    if cfg["RETENTION_SOS_DAYS"] is not None:
        done["sos_cases"] = closed_sos_cases(now, cfg["RETENTION_SOS_DAYS"])
    if audit_log and cfg["RETENTION_AUDIT_DAYS"] is not None:
        done["audit_events"] = old_audit_events(now, cfg["RETENTION_AUDIT_DAYS"])
    return done


@shared_task(name="retention.apply")
def apply_retention() -> dict[str, int]:
    """The scheduled run: apply the rules and commit (the task is the unit of work). The audit
    purge commits apart: on PostgreSQL it needs the table owner's role, and its refusal must
    not undo the rest."""
    now = utcnow()
    done = apply(now, audit_log=False)
    db.session.commit()
    days = current_app.config["RETENTION_AUDIT_DAYS"]
    if days is not None:
        try:
            done["audit_events"] = old_audit_events(now, days)
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("retention: the audit log could not be purged")
    current_app.logger.info("retention: %s", done)
    return done
