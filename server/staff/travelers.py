"""Travelers in a staff member's jurisdiction: counts, the call centre's search, one record.

"In scope" means: a stay (leg) in the jurisdiction that has not ended (current, upcoming or
resident abroad). Every query is one set-based statement on the leg indexes
(country/subdivision with dates); the search and the record are audited.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import get_locale
from sqlalchemy import case, distinct, exists, func, or_, select
from sqlalchemy.orm import selectinload

from server.accounts.models import User
from server.audit import services as audit
from server.db import db
from server.places import services as places
from server.refusals import NotFound
from server.staff.scope import place_filter
from server.trips.models import Leg, Trip

SEARCH_LIMIT = 50
PHONE_QUERY = re.compile(r"^[+\d\s().-]+$")


def today() -> date:
    """The day "current" and "upcoming" are measured from (as ``Trip.status`` does)."""
    return date.today()


def _legs_in_scope(staff: User, day: date):
    """Conditions on ``Leg``: in the jurisdiction and not ended."""
    return (place_filter(staff, Leg.country, Leg.subdivision),
            or_(Leg.end_date.is_(None), Leg.end_date >= day))


def _traveler_in_scope(staff: User, day: date):
    return exists(select(Leg.id).where(Leg.user_id == User.id, *_legs_in_scope(staff, day)))


def summary(staff: User) -> dict:
    """Distinct travelers by country and region, current (a stay covering today) vs upcoming
    (a stay starting later). Someone here now and coming back later counts in both."""
    day, locale = today(), str(get_locale())
    legs = select(Leg.user_id, Leg.country, Leg.subdivision,
                  case((Leg.start_date > day, "upcoming"), else_="current").label("status")
                  ).where(*_legs_in_scope(staff, day)).subquery()
    travelers = func.count(distinct(legs.c.user_id))

    def grouped(*columns):
        return db.session.execute(select(*columns, legs.c.status, travelers)
                                  .group_by(*columns, legs.c.status)).all()

    totals = {"current": 0, "upcoming": 0}
    for status, count in grouped():
        totals[status] = count
    countries: dict[str, dict] = {}
    for country, status, count in grouped(legs.c.country):
        entry = countries.setdefault(country, {
            "country": country, "name": places.country_name(country, locale),
            "current": 0, "upcoming": 0, "regions": {}})
        entry[status] = count
    for country, subdivision, status, count in grouped(legs.c.country, legs.c.subdivision):
        region = countries[country]["regions"].setdefault(subdivision, {
            "subdivision": subdivision,
            "name": subdivision and places.subdivision_name(subdivision, locale),
            "current": 0, "upcoming": 0})
        region[status] = count
    for entry in countries.values():
        entry["regions"] = sorted(entry["regions"].values(),
                                  key=lambda r: (r["subdivision"] is None, r["subdivision"] or ""))
    return {"as_of": day, "totals": totals,
            "countries": [countries[code] for code in sorted(countries)]}


def _matches(q: str):
    """Phone-like queries match the digits of the E.164 number (a national number's leading
    trunk zeros dropped); anything else matches the name, case-insensitively."""
    digits = re.sub(r"\D", "", q).lstrip("0")
    if PHONE_QUERY.match(q) and len(digits) >= 3:
        return User.phone.contains(digits, autoescape=True)
    return func.lower(User.name).contains(q.lower(), autoescape=True)


def search(staff: User, q: str) -> list[dict]:
    """Up to 50 travelers in scope whose name or phone matches ``q``, with their stays in
    scope. Audited with the query."""
    q, day = q.strip(), today()
    found = list(db.session.scalars(
        select(User).where(User.role == "traveler", _matches(q), _traveler_in_scope(staff, day))
        .order_by(User.name, User.id).limit(SEARCH_LIMIT)))
    stays: dict[int, list[Leg]] = {user.id: [] for user in found}
    if found:
        for leg in db.session.scalars(
                select(Leg).where(Leg.user_id.in_(stays), *_legs_in_scope(staff, day))
                .order_by(Leg.start_date)):
            stays[leg.user_id].append(leg)
    audit.record(staff, "travelers.search", target_type="users", q=q, results=len(found))
    return [{"traveler": user, "stays": stays[user.id]} for user in found]


def record(staff: User, traveler_id: int) -> dict:
    """One traveler with contacts and the trips that touch the jurisdiction; 404 out of scope."""
    day = today()
    traveler = db.session.scalar(select(User).where(
        User.id == traveler_id, User.role == "traveler", _traveler_in_scope(staff, day)))
    if traveler is None:
        raise NotFound()
    in_scope = select(Leg.trip_id).where(Leg.user_id == traveler.id,
                                         *_legs_in_scope(staff, day))
    trips = list(db.session.scalars(
        select(Trip).options(selectinload(Trip.legs), selectinload(Trip.companions))
        .where(Trip.user_id == traveler.id, Trip.id.in_(in_scope))
        .order_by(Trip.start_date, Trip.id)))
    audit.record(staff, "traveler.view", traveler)
    return {"traveler": traveler, "trips": trips}
