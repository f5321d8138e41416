"""Trip rules: ownership, derived dates, listing by time, optimistic concurrency."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from server.accounts.models import User
from server.db import db, utcnow
from server.refusals import Conflict, NotFound
from server.trips.models import Companion, Leg, Trip
from server.trips.schemas import TripOut


def _owned(user: User) -> Select:
    return select(Trip).where(Trip.user_id == user.id)


def list_trips(user: User, when: str = "all") -> list[Trip]:
    today = date.today()
    query = _owned(user)
    if when == "current":
        query = query.where(Trip.start_date <= today,
                            or_(Trip.end_date.is_(None), Trip.end_date >= today))
    elif when == "upcoming":
        query = query.where(Trip.start_date > today)
    elif when == "past":
        query = query.where(Trip.end_date < today)
    return list(db.session.scalars(query.order_by(Trip.start_date.desc(), Trip.id.desc())))


def get_trip(user: User, trip_id: int) -> Trip:
    """The user's trip, or 404 (also for other people's trips: do not reveal they exist)."""
    trip = db.session.scalar(_owned(user).where(Trip.id == trip_id))
    if trip is None:
        raise NotFound()
    return trip


def current_trip(user: User) -> Trip | None:
    trips = list_trips(user, "current")
    return trips[0] if trips else None


def _apply(trip: Trip, data: dict, user: User) -> None:
    if "legs" in data:
        trip.legs = [Leg(user_id=trip.user_id, **leg) for leg in data["legs"]]
        trip.start_date = min(leg.start_date for leg in trip.legs)
        ends = [leg.end_date for leg in trip.legs]
        trip.end_date = None if None in ends else max(ends)
    if "companions" in data:
        trip.companions = [Companion(**c) for c in data["companions"]]
    if "emergency_contact" in data:
        contact = data["emergency_contact"]
        trip.emergency_contact_name = contact["name"]
        trip.emergency_contact_phone = contact["phone"]
        trip.emergency_contact_email = contact["email"]
        trip.emergency_contact_language = contact["language"] or user.language
        trip.emergency_contact_consent = contact["consent"]
    for key in ("purpose", "notes"):
        if key in data:
            setattr(trip, key, data[key])


def create_trip(user: User, data: dict) -> Trip:
    data.pop("version", None)
    trip = Trip(user_id=user.id)
    _apply(trip, data, user)
    db.session.add(trip)
    db.session.flush()
    return trip


def update_trip(user: User, trip_id: int, data: dict) -> Trip:
    """Apply a partial update; a stale ``version`` is refused so no edit is silently lost."""
    trip = get_trip(user, trip_id)
    expected = data.pop("version", None)
    if expected is not None and expected != trip.version:
        raise Conflict(_l("This trip was changed elsewhere. Reload it and try again."),
                       field="version")
    _apply(trip, data, user)
    # Always UPDATE the trip row, so its version moves (and a concurrent edit is detected)
    # even when only legs or companions changed.
    trip.updated_at = utcnow()
    db.session.flush()
    return trip


def delete_trip(user: User, trip_id: int) -> None:
    db.session.delete(get_trip(user, trip_id))
    db.session.flush()


def export_for_user(user: User) -> list[dict]:
    return TripOut(many=True).dump(list_trips(user))
