"""Events for staff: listed in their jurisdiction, and turned into a draft alert or a roll
call body, pre-written in every language. Nothing is sent from here: the draft goes through
the alerts' approval rules, the roll call is started by a person."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import exists, null, or_, select

from server.accounts.models import User
from server.alerts import services as alert_services
from server.alerts.models import Alert
from server.db import db, utcnow
from server.errors import N_
from server.hazards.models import HazardEvent, HazardEventMission
from server.staff import scope

HEADLINES = {
    "earthquake": N_("Earthquake of magnitude %(magnitude)s: %(title)s"),
    "cyclone": N_("Tropical cyclone: %(title)s"),
    "flood": N_("Flooding: %(title)s"),
    "volcano": N_("Volcanic activity: %(title)s"),
    "drought": N_("Drought: %(title)s"),
    "wildfire": N_("Wildfire: %(title)s"),
    "other": N_("Hazard: %(title)s"),
}
DESCRIPTION = N_("A hazard has been reported in the area where you are staying. Follow the "
                 "instructions of the local authorities.")
INSTRUCTION = N_("If you need help, call the consular hotline %(hotline)s.")
QUESTION = N_("%(headline)s Are you safe?")
SEVERITIES = {"green": "Minor", "yellow": "Moderate", "orange": "Severe", "red": "Extreme"}


def _scoped(user: User):
    """Events touching the user's jurisdiction: their mission counted people in it, or its
    centre is in a country the user covers; an admin's: all."""
    mine = exists().where(HazardEventMission.event_id == HazardEvent.id,
                          scope.mission_filter(user, HazardEventMission.embassy_id))
    return select(HazardEvent).where(or_(mine, scope.place_filter(user, HazardEvent.country,
                                                                  null())))


def list_events(user: User, state: str | None, limit: int) -> list[HazardEvent]:
    query = _scoped(user)
    if state:
        query = query.where(HazardEvent.state == state)
    return list(db.session.scalars(query.order_by(HazardEvent.effective.desc()).limit(limit)))


def banner_events(user: User) -> list[HazardEvent]:
    """Open events with at least ``HAZARD_BANNER_MIN_PEOPLE`` people of the user's mission in
    their area (an admin's: of any mission), newest first: the console's banner."""
    least = current_app.config["HAZARD_BANNER_MIN_PEOPLE"]
    over = exists().where(HazardEventMission.event_id == HazardEvent.id,
                          HazardEventMission.people >= least,
                          scope.mission_filter(user, HazardEventMission.embassy_id))
    query = select(HazardEvent).where(HazardEvent.state == "open", over)
    return list(db.session.scalars(query.order_by(HazardEvent.effective.desc()).limit(20)))


def get_event(user: User, event_id: int) -> HazardEvent:
    """An event in the user's jurisdiction, else NotFound."""
    return scope.one(_scoped(user).where(HazardEvent.id == event_id))


def _headline(event: HazardEvent) -> str:
    magnitude = "" if event.magnitude is None else f"{event.magnitude:.1f}"
    return gettext(HEADLINES.get(event.kind, HEADLINES["other"]), magnitude=magnitude,
                   title=event.title)[:160]


def texts(event: HazardEvent) -> list[dict]:
    """The pre-written alert text in every configured language (a template per kind)."""
    hotline = current_app.config["CONSULAR_HOTLINE"]
    result = []
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            result.append({"language": language, "headline": _headline(event),
                           "description": gettext(DESCRIPTION),
                           "instruction": gettext(INSTRUCTION, hotline=hotline), "web": None})
    return result


def draft_alert(user: User, event_id: int) -> Alert:
    """A draft alert for the event's area, through the alerts' own drafting rules."""
    event = get_event(user, event_id)
    cap = event.cap or {}
    data = {"status": "Actual", "msg_type": "Alert", "references": None,
            "category": cap.get("category") or "Other",
            "event": (cap.get("event") or event.kind.title())[:100],
            "urgency": cap.get("urgency") or "Immediate",
            "severity": cap.get("severity") if cap.get("severity") in SEVERITIES.values()
            else SEVERITIES[event.level],
            "certainty": cap.get("certainty") or "Observed", "effective": None,
            "expires": utcnow() + timedelta(hours=current_app.config["HAZARD_DRAFT_HOURS"]),
            "texts": texts(event), "areas": [dict(area) for area in event.areas]}
    return alert_services.create_alert(user, data)


def rollcall_body(user: User, event_id: int) -> dict:
    """What POST /api/staff/rollcalls takes, pre-filled: a person reviews and starts it."""
    event = get_event(user, event_id)
    questions = []
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            questions.append({"language": language,
                              "question": gettext(QUESTION, headline=_headline(event))})
    hours = min(24, current_app.config["ROLLCALL_MAX_HOURS"])
    return {"texts": questions, "areas": [dict(area) for area in event.areas],
            "deadline": utcnow() + timedelta(hours=hours)}
