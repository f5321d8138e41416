"""Travelers answer: idempotent per ``client_uuid``, the latest answer (by answered_at) wins,
every answer is kept, and "help" opens one SOS case routed like any other."""
from __future__ import annotations

import uuid

from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from server.accounts.models import User
from server.db import db, insert_row, utcnow
from server.embassies.models import Embassy
from server.live import publish_after_commit
from server.refusals import Conflict, NotFound
from server.rollcall.models import RollCall, RollCallAnswer, RollCallRecipient
from server.sos import services as sos
from server.sos.models import SosCase
from server.trips import contact
from server.trips.models import Leg

# SOS client_uuid = uuid5(namespace, answer client_uuid): replays of one answer, one case.
SOS_NAMESPACE = uuid.UUID("5b0f7c52-3c1e-4a5e-9a53-6f1d2b7e0c11")
OPEN_STATES = ("sending", "open")


def _mine(user: User, rollcall_id: int) -> tuple[RollCall, RollCallRecipient]:
    """The roll call and my recipient row, else 404 (a roll call I was not asked is hidden)."""
    row = db.session.execute(
        select(RollCall, RollCallRecipient).join(
            RollCallRecipient, RollCallRecipient.rollcall_id == RollCall.id)
        .where(RollCall.id == rollcall_id, RollCallRecipient.user_id == user.id)).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def _as_recipient(rollcall: RollCall, recipient: RollCallRecipient, language: str) -> dict:
    text = rollcall.message.text_for(language, current_app.config["BABEL_DEFAULT_LOCALE"])
    mission = db.session.get(Embassy, rollcall.embassy_id) if rollcall.embassy_id else None
    case_uuid = (db.session.scalar(select(SosCase.client_uuid)
                                   .where(SosCase.id == recipient.sos_case_id))
                 if recipient.sos_case_id else None)
    answer = None if recipient.answer is None else {
        "answer": recipient.answer, "answered_at": recipient.answered_at,
        "party_size": recipient.party_size, "wants_evacuation": recipient.wants_evacuation,
        "late": recipient.late}
    return {"id": rollcall.id, "state": rollcall.state, "deadline": rollcall.deadline,
            "language": text.language, "question": text.description,
            "mission": mission.localized_name(language) if mission else None,
            "answer": answer, "sos_case": case_uuid}


def my_rollcalls(user: User) -> list[dict]:
    """Open roll calls I was asked, newest first (the app prompts for unanswered ones)."""
    rows = db.session.execute(
        select(RollCall, RollCallRecipient).join(
            RollCallRecipient, RollCallRecipient.rollcall_id == RollCall.id)
        .where(RollCallRecipient.user_id == user.id, RollCall.state.in_(OPEN_STATES))
        .order_by(RollCall.id.desc()).limit(20)).all()
    language = str(get_locale())
    return [_as_recipient(rc, recipient, language) for rc, recipient in rows]


def my_rollcall(user: User, rollcall_id: int) -> dict:
    rollcall, recipient = _mine(user, rollcall_id)
    return _as_recipient(rollcall, recipient, str(get_locale()))


def _by_uuid(client_uuid: str) -> RollCallAnswer | None:
    return db.session.scalar(select(RollCallAnswer)
                             .where(RollCallAnswer.client_uuid == client_uuid))


def _replay(user: User, rollcall: RollCall, found: RollCallAnswer) -> RollCallAnswer:
    if found.user_id != user.id or found.rollcall_id != rollcall.id:
        raise Conflict(_l("This identifier is already used. Generate a new one."),
                       field="client_uuid")
    return found


def answer(user: User, rollcall_id: int, data: dict) -> tuple[dict, bool]:
    """Record an answer once per ``client_uuid``: (my roll call with its answer, recorded)."""
    rollcall, recipient = _mine(user, rollcall_id)
    before = recipient.answer
    client_uuid = str(data["client_uuid"])
    found = _by_uuid(client_uuid)
    created = found is None
    if found is not None:
        row = _replay(user, rollcall, found)
    else:
        now = utcnow()
        answered_at = min(data["answered_at"], now)  # a phone clock ahead must not win
        row = insert_row(RollCallAnswer, dict(
            client_uuid=client_uuid, rollcall_id=rollcall.id, user_id=user.id,
            answer=data["answer"], party_size=data["party_size"],
            wants_evacuation=data["wants_evacuation"], lat=data["lat"], lon=data["lon"],
            accuracy=data["accuracy"], answered_at=answered_at, received_at=now,
            late=rollcall.state == "closed" or answered_at > rollcall.deadline),
            unless_exists=("client_uuid",))
        created = row is not None
        if created:
            _apply_latest(recipient.id, row)
            publish_after_commit("rollcall.answer", rollcall.embassy_id, rollcall=rollcall.id,
                                 answer=row.answer)
        else:  # a concurrent replay inserted it first
            row = _replay(user, rollcall, _by_uuid(client_uuid))
    if row.answer == "help" and row.sos_case_id is None:
        _escalate(user, rollcall, recipient.id, row)
    db.session.flush()
    rollcall, recipient = _mine(user, rollcall_id)
    db.session.refresh(recipient)
    if created and row.answer == recipient.answer == "safe" != before:
        contact.tell_later(_trip_id(recipient), "safe", rollcall.embassy_id)
    return {**_as_recipient(rollcall, recipient, str(get_locale())), "recorded": created}, created


def _apply_latest(recipient_id: int, row: RollCallAnswer) -> None:
    """The recipient shows the answer with the latest answered_at (a late replay of an older
    answer does not overwrite a newer one); a position is kept until a newer one comes."""
    values = {"answer": row.answer, "answered_at": row.answered_at,
              "party_size": row.party_size, "wants_evacuation": row.wants_evacuation,
              "late": row.late}
    if row.lat is not None:
        values.update(lat=row.lat, lon=row.lon, accuracy=row.accuracy)
    db.session.execute(
        update(RollCallRecipient).where(
            RollCallRecipient.id == recipient_id,
            or_(RollCallRecipient.answered_at.is_(None),
                RollCallRecipient.answered_at <= row.answered_at))
        .values(**values).execution_options(synchronize_session=False))


def _trip_id(recipient: RollCallRecipient) -> int | None:
    """The trip of the stay the recipient was asked for."""
    return (db.session.scalar(select(Leg.trip_id).where(Leg.id == recipient.leg_id))
            if recipient.leg_id else None)


def _escalate(user: User, rollcall: RollCall, recipient_id: int, row: RollCallAnswer) -> None:
    """Open an SOS case for a "help" answer, unless this traveler's case from the roll call is
    still open; the case's client_uuid comes from the answer's, so replays make one case."""
    recipient = db.session.get(RollCallRecipient, recipient_id)
    current = db.session.get(SosCase, recipient.sos_case_id) if recipient.sos_case_id else None
    if current is None or current.is_closed:
        trip_id = _trip_id(recipient)
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # read by staff
            message = gettext("Roll call %(id)s: I need help (party of %(n)s).",
                              id=rollcall.id, n=row.party_size)
            if row.wants_evacuation:
                message += " " + gettext("We want to be evacuated.")
        current, _created = sos.raise_sos(user, {
            "client_uuid": uuid.uuid5(SOS_NAMESPACE, row.client_uuid),
            "raised_at": row.answered_at, "message": message, "lat": row.lat, "lon": row.lon,
            "accuracy": row.accuracy, "trip_id": trip_id})
    case_id = current.id
    db.session.execute(update(RollCallAnswer).where(RollCallAnswer.id == row.id)
                       .values(sos_case_id=case_id).execution_options(
                           synchronize_session=False))
    db.session.execute(update(RollCallRecipient).where(RollCallRecipient.id == recipient_id)
                       .values(sos_case_id=case_id).execution_options(
                           synchronize_session=False))
    row.sos_case_id = case_id


def export_for_user(user: User) -> list[dict]:
    """My answers (download my data)."""
    rows = db.session.scalars(select(RollCallAnswer).where(RollCallAnswer.user_id == user.id)
                              .order_by(RollCallAnswer.received_at))
    keys = ("rollcall_id", "client_uuid", "answer", "party_size", "wants_evacuation", "lat",
            "lon", "accuracy", "answered_at", "received_at", "late")
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v)
             for k, v in ((k, getattr(r, k)) for k in keys)} for r in rows]


def forget_locations(user: User) -> None:
    """Location consent withdrawn: the positions sent with my answers go too."""
    for model in (RollCallAnswer, RollCallRecipient):
        db.session.execute(update(model).where(model.user_id == user.id)
                           .values(lat=None, lon=None, accuracy=None)
                           .execution_options(synchronize_session=False))
