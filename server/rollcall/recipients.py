"""Who is asked, set-based: the broadcast audience SQL picks the people, one INSERT ... SELECT
makes a recipient row each, and deliveries go to every device of those people."""
from __future__ import annotations

from sqlalchemy import and_, func, literal, select

from server.accounts.models import User
from server.broadcast import audience
from server.db import UTCDateTime, analyze, conflict_insert, db, inserted_count, utcnow
from server.devices.models import Device
from server.rollcall.models import RollCall, RollCallMessage, RollCallRecipient
from server.trips.models import Leg

# Every statement after the materialization (the deliveries of the question, the escalation
# every minute, the dashboard) joins this roll call's recipients to ``users``. Planned with
# the statistics of before (no recipients of it), PostgreSQL took the unanswered as one row
# and scanned the users once per recipient: quadratic, and again at every pass (bench/RESULTS.md
# §6). Autovacuum comes too late (and may be off): ANALYZE right away past this.
ANALYZE_AFTER_RECIPIENTS = 1_000


def materialize(rollcall: RollCall, message: RollCallMessage) -> int:
    """One recipient per person in the area (no device needed: the call centre phones them),
    with their first stay in the area (city for the dashboard) or, positioned only, the
    country of their latest fix. Idempotent: existing recipients are kept."""
    now = utcnow()
    people = audience.people(message, now).subquery()
    chosen = select(
        people.c.user_id,
        select(func.min(Leg.id)).where(Leg.user_id == people.c.user_id,
                                       *audience.leg_conditions(message))
        .scalar_subquery().label("leg_id"),
        select(func.min(Device.id)).where(Device.user_id == people.c.user_id)
        .scalar_subquery().label("device_id"),
    ).subquery()
    fix_country = (select(Device.position_country)
                   .where(Device.user_id == chosen.c.user_id, Device.position_at.is_not(None))
                   .order_by(Device.position_at.desc()).limit(1).scalar_subquery())
    rows = (select(literal(rollcall.id), chosen.c.user_id, chosen.c.device_id, chosen.c.leg_id,
                   func.coalesce(Leg.country, fix_country), Leg.subdivision, Leg.city,
                   literal(now, UTCDateTime()), literal(False))
            .outerjoin(Leg, Leg.id == chosen.c.leg_id))
    statement = conflict_insert(RollCallRecipient).from_select(
        ["rollcall_id", "user_id", "device_id", "leg_id", "country", "subdivision", "city",
         "created_at", "late"], rows).on_conflict_do_nothing(
        index_elements=["rollcall_id", "user_id"])
    asked = inserted_count(statement)
    if asked >= ANALYZE_AFTER_RECIPIENTS:
        analyze(RollCallRecipient.__table__)
    return asked


def _devices(rollcall: RollCall, message: RollCallMessage, unanswered_only: bool):
    """SELECT device_id, user_id, language for every device of the recipients."""
    joined = and_(RollCallRecipient.user_id == Device.user_id,
                  RollCallRecipient.rollcall_id == rollcall.id)
    query = (select(Device.id, Device.user_id, audience.language(message).label("language"))
             .join(User, User.id == Device.user_id).join(RollCallRecipient, joined))
    if unanswered_only:
        query = query.where(RollCallRecipient.answer.is_(None))
    return query


def materialize_deliveries(rollcall: RollCall, message: RollCallMessage) -> int:
    """Pending deliveries of ``message`` (the question, or a reminder: then only to those who
    have not answered) through the broadcast deliveries and fan-out: every device,
    and the person channels of the selection rule (SMS, email)."""
    reminder = message.id != rollcall.alert_id
    pushes = audience.insert_deliveries(message, _devices(rollcall, message, reminder), Device.id)
    return pushes + audience.materialize_people(message, _asked(rollcall, reminder))


def escalate(rollcall: RollCall, message: RollCallMessage, channel: str) -> int:
    """A ``channel`` delivery of the question to every recipient who has not answered and
    whom that channel can reach; once per person (the person-channel unique index)."""
    from server.broadcast.channels import CHANNELS

    rows = audience.person_rows(message, channel, CHANNELS[channel].reachable(),
                                _asked(rollcall, True))
    return audience.insert_deliveries(message, rows)


def _asked(rollcall: RollCall, unanswered_only: bool):
    """SELECT user_id of the recipients (only those who have not answered, if asked)."""
    query = select(RollCallRecipient.user_id).where(RollCallRecipient.rollcall_id == rollcall.id)
    return query.where(RollCallRecipient.answer.is_(None)) if unanswered_only else query


def preview(message: RollCallMessage) -> dict:
    """Before starting: people in the area and the devices the question would go to."""
    people = audience.people(message).subquery()
    travelers = db.session.scalar(select(func.count()).select_from(people))
    devices = db.session.scalar(select(func.count()).select_from(Device).where(
        Device.user_id.in_(select(people.c.user_id))))
    return {"travelers": travelers, "devices": devices,
            "by_channel": audience.by_channel(message, devices)[0]}
