"""Background work of trips: telling the emergency contact (``server/trips/contact.py``)."""
from __future__ import annotations

from celery import shared_task
from flask import current_app

from server.db import db
from server.trips import contact
from server.trips.models import Trip


@shared_task(name="trips.tell_contact")
def tell_contact(trip_id: int, event: str, embassy_id: int | None) -> str | None:
    """Email or text the trip's emergency contact of ``event``; a failure is logged here and
    never reaches the answer or the case that caused it."""
    try:
        trip = db.session.get(Trip, trip_id)
        how = contact.tell(trip, event, embassy_id) if trip is not None else None
        db.session.commit()
        return how
    except Exception:  # noqa: BLE001  (logged; the cause was committed already)
        db.session.rollback()
        current_app.logger.exception("emergency contact of trip %s not told of %s",
                                     trip_id, event)
        return None
