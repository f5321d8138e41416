"""CSV for the call centre (who to phone: no answer or needing help, with contacts, stay,
emergency contact and last known position) and the evacuation list. Both are audited; the
call-centre list holds only travelers in the officer's jurisdiction."""
from __future__ import annotations

from sqlalchemy import case, or_, select

from server.accounts.models import User
from server.audit import services as audit
from server.broadcast import stats as broadcast_stats
from server.csv_export import cell, to_csv
from server.db import db
from server.devices.models import Device
from server.rollcall import dashboard
from server.rollcall.models import RollCall, RollCallRecipient
from server.rollcall.services import thread_message_ids
from server.staff.scope import place_filter
from server.trips.models import Leg, Trip

R = RollCallRecipient
CALL_CENTRE_COLUMNS = (
    "status", "name", "phone", "email", "answered_at", "party_size", "wants_evacuation",
    "country", "subdivision", "city", "stay_from", "stay_to", "emergency_contact_name",
    "emergency_contact_phone", "last_lat", "last_lon", "last_accuracy_m", "last_position_at",
    "last_position_source")
EVACUATION_COLUMNS = ("country", "city", "people", "party")


# Validated E.164 numbers start with "+" and are not formulas; every other text is guarded.
PHONE_COLUMNS = {CALL_CENTRE_COLUMNS.index("phone"),
                 CALL_CENTRE_COLUMNS.index("emergency_contact_phone")}


def _device_fix(column):
    """SQL: a column of the traveler's latest consented device position (``Device.fix`` is
    the exact one, decrypted when read; ``Device.lat`` / ``lon`` are only its coarse cell)."""
    return (select(column).where(Device.user_id == R.user_id, Device.position_at.is_not(None))
            .order_by(Device.position_at.desc()).limit(1).scalar_subquery())


def call_centre_rows(staff: User, rollcall: RollCall) -> list[tuple]:
    """No answer or needing help, in the staff member's jurisdiction, by place and name."""
    query = (
        select(case((R.answer.is_(None), "no_answer"), else_=R.answer), User.name, User.phone,
               User.email, R.answered_at, R.party_size, R.wants_evacuation, R.country,
               R.subdivision, R.city, Leg.start_date, Leg.end_date,
               Trip.emergency_contact_name, Trip.emergency_contact_phone,
               R.lat, R.lon, R.accuracy, _device_fix(Device.fix).label("fix"),
               _device_fix(Device.position_at).label("fix_at"),
               Leg.lat.label("leg_lat"), Leg.lon.label("leg_lon"))
        .join(User, User.id == R.user_id)
        .outerjoin(Leg, Leg.id == R.leg_id).outerjoin(Trip, Trip.id == Leg.trip_id)
        .where(R.rollcall_id == rollcall.id, or_(R.answer.is_(None), R.answer == "help"),
               place_filter(staff, R.country, R.subdivision))
        .order_by(R.answer.is_(None), R.country, R.city, User.name, R.id))
    rows = []
    for r in db.session.execute(query):
        if r.lat is not None:
            position = (r.lat, r.lon, r.accuracy, r.answered_at, "answer")
        elif r.fix is not None:
            position = (r.fix["lat"], r.fix["lon"], r.fix["accuracy"], r.fix_at, "device")
        elif r.leg_lat is not None:
            position = (r.leg_lat, r.leg_lon, None, None, "trip")
        else:
            position = (None, None, None, None, "")
        rows.append(tuple(cell(v, i in PHONE_COLUMNS)
                          for i, v in enumerate((*r[:14], *position))))
    return rows


def call_centre_csv(staff: User, rollcall: RollCall) -> str:
    rows = call_centre_rows(staff, rollcall)
    audit.record(staff, "rollcall.export", rollcall, rows=len(rows))
    return to_csv(CALL_CENTRE_COLUMNS, rows)


def evacuation_csv(staff: User, rollcall: RollCall) -> str:
    figures = dashboard.evacuation(rollcall)
    audit.record(staff, "rollcall.evacuation_export", rollcall, people=figures["people"])
    rows = [(cell(c["country"]), cell(c["city"] or "unknown"), c["people"], c["party"])
            for c in figures["by_city"]]
    return to_csv(EVACUATION_COLUMNS, rows)


def unreached(rollcall: RollCall) -> list[dict]:
    """The recipients no channel reached with the question or a reminder (a call list)."""
    people = select(R.user_id).where(R.rollcall_id == rollcall.id)
    return broadcast_stats.unreached_people(thread_message_ids(rollcall), people)


def unreached_csv(staff: User, rollcall: RollCall) -> str:
    people = unreached(rollcall)
    audit.record(staff, "rollcall.unreached_export", rollcall, rows=len(people))
    return broadcast_stats.unreached_csv(people)
