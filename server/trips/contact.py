"""The emergency contact at home is told, when the traveler consented on the trip: of an
"I am safe" answer to a roll call, and of an SOS case opened and closed.

By email when the trip gives the contact's address, else by SMS to their phone; in the
language the traveler picked for them. The message holds the traveler's name, the fact and
the mission's hotline, nothing else (no position, no one else's data). It is written by a
task once the answer or the case is committed (``tell_later``): a failure there is logged and
never touches the answer or the SOS.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from server.accounts.models import User
from server.db import db
from server.embassies.models import Embassy
from server.trips.models import Trip

EVENTS = ("safe", "sos_opened", "sos_resolved", "sos_cancelled")


def tell_later(trip_id: int | None, event: str, embassy_id: int | None) -> None:
    """Tell the trip's contact of ``event`` once the caller's transaction commits."""
    if trip_id is None:
        return
    from server.celery_app import enqueue_after_commit
    from server.trips.tasks import tell_contact

    enqueue_after_commit(tell_contact, trip_id, event, embassy_id)


def hotline(embassy_id: int | None) -> str:
    mission = db.session.get(Embassy, embassy_id) if embassy_id else None
    return ((mission.emergency_phone or mission.phone) if mission else None) \
        or current_app.config["CONSULAR_HOTLINE"]


def _fact(event: str, name: str) -> tuple[str, str]:
    """(subject, sentence) in the current locale."""
    if event == "safe":
        return (_("%(name)s is safe", name=name),
                _("%(name)s answered “I am safe” to a safety check of the consular service.",
                  name=name))
    if event == "sos_opened":
        return (_("%(name)s asked for help", name=name),
                _("%(name)s asked the consular service for help. Consular staff are "
                  "handling the request.", name=name))
    if event == "sos_resolved":
        return (_("Request for help closed: %(name)s", name=name),
                _("The consular service has closed the request for help of %(name)s as "
                  "resolved.", name=name))
    return (_("Request for help withdrawn: %(name)s", name=name),
            _("%(name)s withdrew their request for help.", name=name))


def language_of(trip: Trip, traveler: User) -> str:
    wanted = trip.emergency_contact_language or traveler.language
    return wanted if wanted in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def tell(trip: Trip, event: str, embassy_id: int | None) -> str | None:
    """Queue the message to the contact: "email", "sms", or None (no consent, no contact).
    Flushes only; the email or SMS goes once the caller commits."""
    from server.mail.message import build
    from server.mail.tasks import send_later
    from server.sms import services as sms

    traveler = db.session.get(User, trip.user_id)
    if traveler is None or not trip.emergency_contact_consent or event not in EVENTS:
        return None
    language = language_of(trip, traveler)
    with force_locale(language):
        subject, fact = _fact(event, traveler.name)
        line = _("Consular hotline: %(phone)s", phone=hotline(embassy_id))
        if trip.emergency_contact_email:
            text = "\n\n".join([
                _("Hello %(name)s,", name=trip.emergency_contact_name), fact, line,
                _("You receive this message because %(name)s named you as their emergency "
                  "contact and asked that you be told.", name=traveler.name)])
            send_later(build(trip.emergency_contact_email, subject, text,
                             to_name=trip.emergency_contact_name))
            return "email"
        if trip.emergency_contact_phone:
            sms.queue(trip.emergency_contact_phone, f"{fact} {line}", "contact",
                      ref=f"trip:{trip.id}:{event}")
            return "sms"
    return None
