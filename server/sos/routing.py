"""Which mission a case goes to: by position, else by the trip, else the default queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import current_app
from sqlalchemy import Date, Integer, and_, bindparam, case, or_, select

from server.accounts.models import User
from server.db import db
from server.embassies import services as embassies
from server.embassies.models import Embassy
from server.trips.models import Leg, Trip


@dataclass(frozen=True)
class Route:
    routed_by: str  # position | trip | default
    mission: Embassy | None  # None: the default queue
    country: str | None
    subdivision: str | None
    trip_id: int | None
    contact_consent: bool = False  # the trip's emergency contact may be told

    @property
    def embassy_id(self) -> int | None:
        return self.mission.id if self.mission else None


def place_at(lat: float, lon: float) -> tuple[str | None, str | None]:
    """The country and region at a position, or None for what is unknown; a failing geo
    lookup must never fail an SOS."""
    try:
        return embassies.place_at(lat, lon)
    except Exception:  # noqa: BLE001  (any failure here only costs the position route)
        current_app.logger.exception("SOS routing: place lookup failed at %s,%s", lat, lon)
        return None, None


@dataclass(frozen=True)
class Stay:
    country: str
    subdivision: str | None
    start_date: date
    end_date: date | None


@cache
def _trip_stays_query():
    """Built once (this runs on every SOS): the chosen trip's id, its contact consent and its
    stays, by start date."""
    named = Trip.id == bindparam("trip_id", type_=Integer)
    today = bindparam("today", type_=Date)
    current = and_(Trip.start_date <= today, or_(Trip.end_date.is_(None), Trip.end_date >= today))
    chosen = (select(Trip.id).where(Trip.user_id == bindparam("user_id"), or_(named, current))
              .order_by(case((named, 0), else_=1), Trip.start_date.desc(), Trip.id.desc())
              .limit(1).scalar_subquery())
    return (select(Trip.id, Trip.emergency_contact_consent, Leg.country, Leg.subdivision,
                   Leg.start_date, Leg.end_date)
            .select_from(Trip).outerjoin(Leg, Leg.trip_id == Trip.id).where(Trip.id == chosen)
            .order_by(Leg.start_date, Leg.id))


@dataclass(frozen=True)
class ChosenTrip:
    id: int | None
    contact_consent: bool
    stays: list[Stay]


def trip_stays(user: User, trip_id: int | None) -> ChosenTrip:
    """The trip the phone named if it is the user's, else the user's current trip: its id,
    whether its emergency contact may be told, and its stays by start date; an id of None and
    no stays when there is no such trip. (``trip_id`` None: ``id = NULL`` is never
    true, so only the current trip qualifies.)

    One query on plain columns: no Trip object, whose encrypted emergency contact routing
    does not need.
    """
    params = {"user_id": user.id, "trip_id": trip_id, "today": date.today()}
    rows = db.session.execute(_trip_stays_query(), params).all()
    if not rows:
        return ChosenTrip(None, False, [])
    return ChosenTrip(rows[0].id, bool(rows[0].emergency_contact_consent),
                      [Stay(r.country, r.subdivision, r.start_date, r.end_date)
                       for r in rows if r.country is not None])


def current_leg(stays: list[Stay], today: date | None = None) -> Stay | None:
    """The stay covering today, else the latest one already begun, else the first."""
    today = today or date.today()
    begun = [leg for leg in stays if leg.start_date <= today]
    for leg in begun:
        if leg.end_date is None or leg.end_date >= today:
            return leg
    if begun:
        return begun[-1]
    return stays[0] if stays else None


def route(user: User, lat: float | None, lon: float | None, trip_id: int | None) -> Route:
    """Position first (resolved offline), then the current trip's stay, then the default queue.

    The position gives the country and, where jurisdictions split it, the region: a position
    in California goes to the consulate covering ``US-CA``, wherever the traveler stays. Where
    the position has no region (a country the data does not split, a coast the simplified
    outline misses), the stay's region is used when the stay is in that same country.
    """
    trip = trip_stays(user, trip_id)
    leg = current_leg(trip.stays)
    country, subdivision = (place_at(lat, lon) if lat is not None and lon is not None
                            else (None, None))
    if country and subdivision is None and leg and leg.country == country:
        subdivision = leg.subdivision
    # Both candidates in one look-up: the position's place, then the stay's.
    by_position, by_stay = embassies.serving_each([
        (country, subdivision) if country else None,
        (leg.country, leg.subdivision) if leg else None])
    if by_position:
        return Route("position", by_position, country, subdivision, trip.id,
                     trip.contact_consent)
    if by_stay:
        return Route("trip", by_stay, country or leg.country,
                     subdivision if country else leg.subdivision, trip.id, trip.contact_consent)
    if leg and not country:
        country, subdivision = leg.country, leg.subdivision
    return Route("default", None, country, subdivision, trip.id, trip.contact_consent)
