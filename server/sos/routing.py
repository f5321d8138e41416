"""Which mission a case goes to: by position, else by the trip, else the default queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from server.accounts.models import User
from server.db import db
from server.embassies import services as embassies
from server.trips import services as trips
from server.trips.models import Leg, Trip


@dataclass(frozen=True)
class Route:
    routed_by: str  # position | trip | default
    embassy_id: int | None
    country: str | None
    subdivision: str | None
    trip_id: int | None


def country_at(lat: float, lon: float) -> str | None:
    """The country at a position, or None; a failing geo lookup must never fail an SOS."""
    try:
        return embassies.country_at(lat, lon)
    except Exception:  # noqa: BLE001  (any failure here only costs the position route)
        current_app.logger.exception("SOS routing: country lookup failed at %s,%s", lat, lon)
        return None


def trip_for(user: User, trip_id: int | None) -> Trip | None:
    """The trip the phone named if it is the user's, else the user's current trip."""
    if trip_id is not None:
        trip = db.session.scalar(select(Trip).where(Trip.id == trip_id, Trip.user_id == user.id))
        if trip is not None:
            return trip
    return trips.current_trip(user)


def current_leg(trip: Trip, today: date | None = None) -> Leg | None:
    """The stay covering today, else the latest one already begun, else the first."""
    today = today or date.today()
    begun = [leg for leg in trip.legs if leg.start_date <= today]
    for leg in begun:
        if leg.end_date is None or leg.end_date >= today:
            return leg
    if begun:
        return begun[-1]
    return trip.legs[0] if trip.legs else None


def route(user: User, lat: float | None, lon: float | None, trip_id: int | None) -> Route:
    """Position first (resolved offline), then the current trip's stay, then the default queue.

    The position gives only a country; the stay's subdivision is used when the stay is in that
    same country, so a consulate covering ``US-CA`` gets a traveler staying in California.
    """
    trip = trip_for(user, trip_id)
    leg = current_leg(trip) if trip else None
    trip_id = trip.id if trip else None
    country = country_at(lat, lon) if lat is not None and lon is not None else None
    subdivision = None
    if country:
        subdivision = leg.subdivision if leg and leg.country == country else None
        mission = embassies.serving(country, subdivision)
        if mission:
            return Route("position", mission.id, country, subdivision, trip_id)
    if leg:
        mission = embassies.serving(leg.country, leg.subdivision)
        if mission:
            return Route("trip", mission.id, country or leg.country,
                         subdivision if country else leg.subdivision, trip_id)
        if not country:
            country, subdivision = leg.country, leg.subdivision
    return Route("default", None, country, subdivision, trip_id)
