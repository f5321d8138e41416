"""The figures staff watch: accounted / need help / no answer, by city, on the map, per
minute, evacuation totals, push progress, and beside them the people who signed up on the
roll call's crisis page. Each is one GROUP BY on an indexed table."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import Integer, case, func, select

from server.broadcast import stats as broadcast_stats
from server.crisis import services as crisis
from server.db import db, on_postgresql
from server.rollcall.models import RollCall, RollCallAnswer, RollCallRecipient
from server.rollcall.services import thread_message_ids

R = RollCallRecipient


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts():
    return (func.count().label("recipients"), _count(R.answer == "safe").label("safe"),
            _count(R.answer == "help").label("help"), _count(R.answer.is_(None)).label("no_answer"),
            _count(R.late.is_(True)).label("late"))


def totals(rollcall: RollCall) -> dict:
    row = db.session.execute(select(*_counts()).where(R.rollcall_id == rollcall.id)).one()
    return dict(row._mapping)


def by_city(rollcall: RollCall) -> list[dict]:
    """Per (country, city) of the stay in the area; city None = unknown (no city given, or
    asked for a position only). Most recipients first."""
    rows = db.session.execute(
        select(R.country, R.city, *_counts()).where(R.rollcall_id == rollcall.id)
        .group_by(R.country, R.city).order_by(func.count().desc(), R.country, R.city))
    return [dict(row._mapping) for row in rows]


def points(rollcall: RollCall) -> list[dict]:
    """Where answers came from (the latest position each traveler sent), for the map.
    Positions are encrypted at rest: SQL only picks the rows, Python decrypts them."""
    rows = db.session.execute(
        select(R.lat, R.lon, R.answer).where(R.rollcall_id == rollcall.id, R.lat.is_not(None))
        .limit(current_app.config["ROLLCALL_MAP_POINTS"]))
    return [dict(row._mapping) for row in rows]


def _minute(column):
    if on_postgresql():
        return func.to_char(func.date_trunc("minute", func.timezone("UTC", column)),
                            "YYYY-MM-DD\"T\"HH24:MI")
    return func.strftime("%Y-%m-%dT%H:%M", column)


def series(rollcall: RollCall) -> list[dict]:
    """Answers received per minute (UTC), by answer, oldest first."""
    minute = _minute(RollCallAnswer.received_at).label("minute")
    rows = db.session.execute(
        select(minute, _count(RollCallAnswer.answer == "safe").label("safe"),
               _count(RollCallAnswer.answer == "help").label("help"))
        .where(RollCallAnswer.rollcall_id == rollcall.id).group_by(minute).order_by(minute))
    return [dict(row._mapping) for row in rows]


def evacuation(rollcall: RollCall) -> dict:
    """Travelers whose latest answer asks for evacuation, and their parties, by city."""
    people = func.count().label("people")
    party = func.coalesce(func.sum(R.party_size), 0).cast(Integer).label("party")
    rows = [dict(r._mapping) for r in db.session.execute(
        select(R.country, R.city, people, party)
        .where(R.rollcall_id == rollcall.id, R.wants_evacuation.is_(True))
        .group_by(R.country, R.city).order_by(party.desc(), R.country, R.city))]
    return {"people": sum(r["people"] for r in rows), "party": sum(r["party"] for r in rows),
            "by_city": rows}


def pushes(rollcall: RollCall) -> dict:
    """Deliveries of the question and its reminders, by state and per channel (with the
    people each channel reached who answered), and why they failed."""
    ids = thread_message_ids(rollcall)
    answered = select(RollCallRecipient.user_id).where(
        RollCallRecipient.rollcall_id == rollcall.id, RollCallRecipient.answer.is_not(None))
    return {**broadcast_stats.by_state(ids),
            "by_channel": broadcast_stats.by_channel(ids, answered),
            "failures": broadcast_stats.failures(ids)}


def dashboard(rollcall: RollCall) -> dict:
    return {"rollcall": rollcall, "totals": totals(rollcall), "by_city": by_city(rollcall),
            "points": points(rollcall), "series": series(rollcall),
            "evacuation": evacuation(rollcall), "pushes": pushes(rollcall),
            "crisis": crisis.dashboard(rollcall)}
