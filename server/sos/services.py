"""SOS rules: idempotent raise, position trail, cancel, the staff queue and acknowledgement.

A call for help is never refused for volume: a flood is accepted and flagged for staff.
"""
from __future__ import annotations

from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from server.accounts.models import User
from server.audit import services as audit
from server.broadcast import direct
from server.db import db, insert_row, utcnow
from server.embassies.models import Embassy
from server.live import publish_after_commit
from server.refusals import Conflict, NotFound
from server.sos import routing
from server.sos.models import SosCase, SosFollowUp, SosNote, SosPosition
from server.sos.schemas import TRAVELER_FIELDS, CaseOut
from server.staff import scope
from server.trips import contact

FLOOD_WINDOW = timedelta(minutes=10)
FLOOD_LIMIT = 5  # new cases per user and window before further ones are flagged
FLOOD_REASON = "many_recent_cases"
CLOSED_MESSAGE = _l("This SOS is closed.")
PUSH_TITLE = _l("SOS received")
PUSH_BODY = _l("Your SOS was received by {mission}.")


def _by_uuid(client_uuid: str) -> SosCase | None:
    return db.session.scalar(select(SosCase).where(SosCase.client_uuid == client_uuid))


def _own(user_id: int, found: SosCase) -> SosCase:
    if found.user_id != user_id:
        # A UUID is the phone's own random value: someone else's is a client bug, not a replay.
        raise Conflict(_l("This identifier is already used. Generate a new one."),
                       field="client_uuid")
    return found


@cache
def _recent_cases():
    """Built once (this runs on every SOS): a user's cases received since ``since``."""
    return select(func.count()).select_from(SosCase).where(
        SosCase.user_id == bindparam("user_id"), SosCase.received_at >= bindparam("since"))


def _flood_reason(user: User) -> str | None:
    recent = db.session.scalar(_recent_cases(), {"user_id": user.id,
                                              "since": utcnow() - FLOOD_WINDOW})
    # A code, not prose: the console shows it in the officer's language.
    return FLOOD_REASON if recent >= FLOOD_LIMIT else None


def raise_sos(user: User, data: dict) -> tuple[SosCase, bool]:
    """Create the case for ``client_uuid``, or return the existing one: (case, created).

    One INSERT ... ON CONFLICT DO NOTHING decides: concurrent replays wait for the winner and
    return its case, so any number of replays make exactly one case. A replay is rare and
    cheap to route again; a new case (the surge) saves the look-up before the insert.
    """
    client_uuid, user_id = str(data["client_uuid"]), user.id
    route = routing.route(user, data["lat"], data["lon"], data["trip_id"])
    flag_reason = _flood_reason(user)
    has_position = data["lat"] is not None
    values = dict(
        client_uuid=client_uuid, user_id=user_id, user_name=user.name, user_phone=user.phone,
        user_email=user.email, trip_id=route.trip_id, embassy_id=route.embassy_id,
        routed_by=route.routed_by, country=route.country, subdivision=route.subdivision,
        message=data["message"] or None, raised_at=data["raised_at"], lat=data["lat"],
        lon=data["lon"], accuracy=data["accuracy"],
        position_at=data["raised_at"] if has_position else None,
        flagged=flag_reason is not None, flag_reason=flag_reason, received_at=utcnow())
    sos = insert_row(SosCase, values, unless_exists=("client_uuid",))
    if sos is None:
        found = _own(user_id, _by_uuid(client_uuid))
        _follow_up(user, found, data["message"])
        return found, False
    set_committed_value(sos, "embassy", route.mission)  # loaded by the routing: no query
    _opened(user, sos, data)
    if route.contact_consent:  # else the task would find nothing to do: no message queued
        contact.tell_later(sos.trip_id, "sos_opened", sos.embassy_id)
    return sos, True


def _opened(actor, sos: SosCase, data: dict) -> None:
    """A new case: its first trail point, the audit event, the console told."""
    if data["lat"] is not None:
        insert_row(SosPosition, dict(case_id=sos.id, recorded_at=data["raised_at"],
                                     lat=data["lat"], lon=data["lon"], accuracy=data["accuracy"]))
    audit.record(actor, "sos.raise", sos, routed_by=sos.routed_by,
                 embassy_id=sos.embassy_id, flagged=sos.flagged, unverified=sos.unverified)
    _announce("sos.new", sos)


def raise_unverified(data: dict, *, name: str, phone: str,
                     embassy_id: int | None) -> tuple[SosCase, bool]:
    """An SOS from someone without an account (a crisis sign-up): it goes to the mission that
    asked (``embassy_id``), is marked unverified (the name and phone are only what was typed)
    and is idempotent on ``client_uuid`` like any SOS: (case, created)."""
    client_uuid, lat, lon = str(data["client_uuid"]), data["lat"], data["lon"]
    country, subdivision = (routing.place_at(lat, lon) if lat is not None and lon is not None
                            else (None, None))
    sos = insert_row(SosCase, dict(
        client_uuid=client_uuid, user_id=None, user_name=name, user_phone=phone,
        user_email=None, trip_id=None, embassy_id=embassy_id, routed_by="crisis",
        country=country, subdivision=subdivision, message=data["message"] or None,
        raised_at=data["raised_at"], lat=lat, lon=lon, accuracy=data["accuracy"],
        position_at=data["raised_at"] if lat is not None else None, flagged=False,
        flag_reason=None, unverified=True, received_at=utcnow()),
        unless_exists=("client_uuid",))
    if sos is None:
        found = _by_uuid(client_uuid)
        if found.user_id is not None or not found.unverified:
            raise Conflict(_l("This identifier is already used. Generate a new one."),
                           field="client_uuid")
        return found, False
    _opened("crisis sign-up", sos, data)
    return sos, True


def _follow_up(user: User, sos: SosCase, message: str | None) -> None:
    """A replay whose message differs from the case's: the new text reaches staff, once.

    The phone lets the traveler edit a queued SOS, so a replay may carry words the first
    attempt did not. A case without a message takes it as its message; otherwise it is added
    as a follow-up (shown with the notes). A text the case already has changes nothing.
    """
    if not message or message == sos.message:
        return
    # Concurrent replays of the same edit wait here, and the second then finds the first's.
    sos = db.session.scalar(select(SosCase).where(SosCase.id == sos.id).with_for_update()
                            .execution_options(populate_existing=True))
    if message == sos.message or any(item.text == message for item in sos.follow_ups):
        return
    if sos.message is None:
        sos.message = message
    else:
        sos.follow_ups.append(SosFollowUp(text=message))
    audit.record(user, "sos.follow_up", sos)
    db.session.flush()


def _announce(kind: str, sos: SosCase) -> None:
    publish_after_commit(kind, sos.embassy_id, case=sos.id, state=sos.state)


def list_cases(user: User, limit: int = 50) -> list[SosCase]:
    return list(db.session.scalars(
        select(SosCase).options(selectinload(SosCase.embassy)).where(SosCase.user_id == user.id)
        .order_by(SosCase.received_at.desc(), SosCase.id.desc()).limit(limit)))


def get_case(user: User, client_uuid) -> SosCase:
    """The user's case, or 404 (also for other people's cases)."""
    found = db.session.scalar(select(SosCase).where(SosCase.client_uuid == str(client_uuid),
                                                    SosCase.user_id == user.id))
    if found is None:
        raise NotFound()
    return found


def _position(case_id: int, recorded_at) -> SosPosition | None:
    return db.session.scalar(select(SosPosition).where(SosPosition.case_id == case_id,
                                                       SosPosition.recorded_at == recorded_at))


def add_position(user: User, client_uuid, data: dict) -> tuple[SosPosition, bool]:
    """Add a point to the trail once per ``recorded_at``: (position, created)."""
    sos = get_case(user, client_uuid)
    if sos.is_closed:
        raise Conflict(CLOSED_MESSAGE)
    case_id = sos.id
    found = _position(case_id, data["recorded_at"])
    if found is not None:
        return found, False
    position = insert_row(SosPosition, dict(case_id=case_id, **data),
                          unless_exists=("case_id", "recorded_at"))
    if position is None:
        return _position(case_id, data["recorded_at"]), False
    sos = db.session.get(SosCase, case_id)
    if sos.position_at is None or position.recorded_at >= sos.position_at:
        sos.lat, sos.lon, sos.accuracy = position.lat, position.lon, position.accuracy
        sos.position_at = position.recorded_at
    db.session.flush()
    return position, True


def cancel(user: User, client_uuid) -> SosCase:
    """"I am safe now": closes an open or acknowledged case; repeating it changes nothing."""
    sos = get_case(user, client_uuid)
    if not sos.is_closed:
        sos.state, sos.cancelled_at = "cancelled", utcnow()
        audit.record(user, "sos.cancel", sos)
        db.session.flush()
        _announce("sos.changed", sos)
        contact.tell_later(sos.trip_id, "sos_cancelled", sos.embassy_id)
    return sos


def export_for_user(user: User) -> list[dict]:
    return CaseOut(many=True, only=(*TRAVELER_FIELDS, "positions", "notes")).dump(
        db.session.scalars(select(SosCase).where(SosCase.user_id == user.id)
                           .order_by(SosCase.received_at)))


# Staff side ---------------------------------------------------------------------------------

def _scoped(user: User) -> Select:
    """Cases the staff member may see: their mission's; an admin's: all, default queue too."""
    return select(SosCase).where(scope.mission_filter(user, SosCase.embassy_id))


def queue(user: User, state: str | None = None, limit: int = 100) -> list[SosCase]:
    """Open cases first, then acknowledged, then closed ones; newest first within each."""
    rank = case((SosCase.state == "open", 0), (SosCase.state == "acknowledged", 1), else_=2)
    query = _scoped(user).options(selectinload(SosCase.embassy), selectinload(SosCase.user))
    if state:
        query = query.where(SosCase.state == state)
    return list(db.session.scalars(
        query.order_by(rank, SosCase.received_at.desc(), SosCase.id.desc()).limit(limit)))


def staff_case(user: User, case_id: int) -> SosCase:
    found = db.session.scalar(_scoped(user).where(SosCase.id == case_id))
    if found is None:
        raise NotFound()
    return found


def view_case(user: User, case_id: int) -> SosCase:
    """One case in full; reading a traveler's case is itself audited."""
    found = staff_case(user, case_id)
    audit.record(user, "sos.view", found)
    return found


def update_case(user: User, case_id: int, data: dict) -> SosCase:
    """Acknowledge or resolve, and/or add a note; every change is audited."""
    sos = staff_case(user, case_id)
    new_state = data.get("state")
    acknowledged = False
    if new_state and new_state != sos.state:
        if sos.is_closed:
            raise Conflict(CLOSED_MESSAGE, field="state")
        now = utcnow()
        if new_state == "acknowledged":
            sos.acknowledged_at, sos.acknowledged_by_id = now, user.id
            acknowledged = True
        else:
            sos.resolved_at, sos.resolved_by_id = now, user.id
        sos.state = new_state
        audit.record(user, "sos.acknowledge" if new_state == "acknowledged" else "sos.resolve",
                     sos)
        if sos.is_closed:
            contact.tell_later(sos.trip_id, f"sos_{new_state}", sos.embassy_id)
    if data.get("note"):
        db.session.add(SosNote(case_id=sos.id, author_id=user.id, author_name=user.name,
                               text=data["note"]))
        audit.record(user, "sos.note", sos)
    db.session.flush()
    _announce("sos.changed", sos)
    if acknowledged:
        notify_acknowledged(sos, user)
    return sos


def notify_acknowledged(sos: SosCase, by: User) -> None:
    """Push "your SOS was received by <mission>" in the traveler's language."""
    traveler = sos.user
    if traveler is None:
        return
    mission = sos.embassy or (db.session.get(Embassy, by.embassy_id) if by.embassy_id else None)
    name = (mission.localized_name(traveler.language) if mission
            else current_app.config["MINISTRY_NAME"])
    with force_locale(traveler.language):
        title, body = str(PUSH_TITLE), str(PUSH_BODY).format(mission=name)
    direct.send_to_person(traveler.id, "sos", {
        "case": sos.client_uuid, "state": sos.state, "mission": name, "title": title,
        "body": body, "tag": f"sos-{sos.client_uuid}"})
