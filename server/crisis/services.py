"""Crisis pages: staff open one from a roll call (a random, unguessable slug) and close it;
it closes by itself with the roll call. A visitor's registration joins the roll call as an
unverified person; "I need help" opens one SOS case for the roll call's mission.

Services flush; the request commits.
"""
from __future__ import annotations

import secrets
import uuid

from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update

from server.accounts.models import User
from server.audit import services as audit
from server.crisis.models import CrisisPage, CrisisRegistration
from server.db import db, insert_row, utcnow
from server.embassies.models import Embassy
from server.live import publish_after_commit
from server.refusals import Conflict, Gone, NotFound
from server.rollcall import services as rollcalls
from server.rollcall.models import RollCall
from server.sos import services as sos
from server.web.urls import public_url

# SOS client_uuid = uuid5(namespace, registration client_uuid): a resent form, one case.
SOS_NAMESPACE = uuid.UUID("0d6c3f0e-8a4b-4f7e-b1c2-5e9d7a3c2b18")
PAGE_CLOSED = _l("This crisis page is closed. If you need help, call the number below.")
ROLLCALL_CLOSED = _l("This roll call is closed.")
ALREADY_CLOSED = _l("This crisis page is already closed.")
USED_UUID = _l("This identifier is already used. Generate a new one.")


def page_url(page: CrisisPage) -> str:
    return public_url(f"/#/crisis/{page.slug}")


def _latest(rollcall: RollCall) -> CrisisPage | None:
    return db.session.scalar(select(CrisisPage).where(CrisisPage.rollcall_id == rollcall.id)
                             .order_by(CrisisPage.id.desc()).limit(1))


def as_staff_page(page: CrisisPage | None) -> dict | None:
    if page is None:
        return None
    return {"id": page.id, "rollcall_id": page.rollcall_id, "slug": page.slug,
            "url": page_url(page), "open": page.is_open(), "created_at": page.created_at,
            "closes_at": page.closes_at, "closed_at": page.closed_at}


def current_page(user: User, rollcall_id: int) -> dict:
    """The roll call's latest crisis page (open or closed), else NotFound."""
    page = _latest(rollcalls.get_rollcall(user, rollcall_id))
    if page is None:
        raise NotFound()
    return as_staff_page(page)


def open_page(user: User, rollcall_id: int) -> tuple[dict, bool]:
    """The roll call's open crisis page, made now if there is none: (page, created)."""
    rollcall = rollcalls.get_rollcall(user, rollcall_id)
    if rollcall.state == "closed" or rollcall.deadline <= utcnow():
        raise Conflict(ROLLCALL_CLOSED)
    # One open page per roll call: concurrent clicks wait here and find the first one's page.
    db.session.execute(select(RollCall.id).where(RollCall.id == rollcall.id).with_for_update())
    page = _latest(rollcall)
    if page is not None and page.is_open():
        return as_staff_page(page), False
    page = CrisisPage(rollcall_id=rollcall.id, slug=secrets.token_urlsafe(32),
                      created_by_id=user.id, rollcall=rollcall)
    db.session.add(page)
    db.session.flush()
    audit.record(user, "crisis.open", page, rollcall_id=rollcall.id)
    return as_staff_page(page), True


def close_page(user: User, rollcall_id: int) -> dict:
    """Close the roll call's open crisis page before the roll call ends."""
    page = _latest(rollcalls.get_rollcall(user, rollcall_id))
    if page is None:
        raise NotFound()
    if not page.is_open():
        raise Conflict(ALREADY_CLOSED)
    page.closed_at, page.closed_by_id = utcnow(), user.id
    db.session.flush()
    audit.record(user, "crisis.close", page, rollcall_id=rollcall_id)
    return as_staff_page(page)


def open_by_slug(slug: str) -> CrisisPage:
    """The page at ``slug``: NotFound if there is none, Gone once it has closed."""
    page = db.session.scalar(select(CrisisPage).where(CrisisPage.slug == slug))
    if page is None:
        raise NotFound()
    if not page.is_open():
        raise Gone(PAGE_CLOSED)
    return page


def _mission(page: CrisisPage) -> Embassy | None:
    embassy_id = page.rollcall.embassy_id
    return db.session.get(Embassy, embassy_id) if embassy_id else None


def public_page(slug: str) -> dict:
    """The page as a visitor sees it: the mission's question in the visitor's language."""
    page = open_by_slug(slug)
    language = str(get_locale())
    text = page.rollcall.message.text_for(language, current_app.config["BABEL_DEFAULT_LOCALE"])
    mission = _mission(page)
    return {"mission": mission.localized_name(language) if mission else None,
            "question": text.description, "language": text.language,
            "closes_at": page.closes_at,
            "hotline": mission.emergency_phone if mission
            else current_app.config["CONSULAR_HOTLINE"]}


def _by_uuid(client_uuid: str) -> CrisisRegistration | None:
    return db.session.scalar(select(CrisisRegistration)
                             .where(CrisisRegistration.client_uuid == client_uuid))


def _replay(page: CrisisPage, found: CrisisRegistration | None) -> CrisisRegistration:
    if found is None or found.page_id != page.id:
        raise Conflict(USED_UUID, field="client_uuid")
    return found


def register(slug: str, data: dict) -> tuple[CrisisRegistration, bool]:
    """Store a visitor's registration once per ``client_uuid``: (registration, created)."""
    page = open_by_slug(slug)
    client_uuid = str(data["client_uuid"])
    found = _by_uuid(client_uuid)
    if found is not None:
        return _replay(page, found), False
    row = insert_row(CrisisRegistration, dict(
        client_uuid=client_uuid, page_id=page.id, rollcall_id=page.rollcall_id,
        name=data["name"], phone=data["phone"], place=data["place"], answer=data["answer"],
        language=str(get_locale()), lat=data["lat"], lon=data["lon"],
        accuracy=data["accuracy"], received_at=utcnow(), code_attempts=0),
        unless_exists=("client_uuid",))
    if row is None:  # a concurrent resend inserted it first
        return _replay(page, _by_uuid(client_uuid)), False
    if row.answer == "help":
        _open_sos(page, row, data.get("message"))
    db.session.flush()
    publish_after_commit("rollcall.answer", page.rollcall.embassy_id,
                         rollcall=page.rollcall_id, answer=row.answer, crisis=True)
    return row, True


def _open_sos(page: CrisisPage, row: CrisisRegistration, message: str | None) -> None:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # read by staff
        text = gettext("Roll call %(id)s, crisis sign-up: I need help. Where: %(place)s",
                       id=page.rollcall_id, place=row.place)
    if message:
        text = f"{text}\n{message}"
    case_, _created = sos.raise_unverified(
        {"client_uuid": uuid.uuid5(SOS_NAMESPACE, row.client_uuid), "raised_at": row.received_at,
         "message": text[:1000], "lat": row.lat, "lon": row.lon, "accuracy": row.accuracy},
        name=row.name, phone=row.phone, embassy_id=page.rollcall.embassy_id)
    db.session.execute(update(CrisisRegistration).where(CrisisRegistration.id == row.id)
                       .values(sos_case_id=case_.id)
                       .execution_options(synchronize_session=False))
    row.sos_case_id = case_.id


def registration(slug: str, client_uuid) -> CrisisRegistration:
    """A registration made on this page, by the browser that knows its ``client_uuid``."""
    page = db.session.scalar(select(CrisisPage).where(CrisisPage.slug == slug))
    found = _by_uuid(str(client_uuid)) if page else None
    if found is None or found.page_id != page.id:
        raise NotFound()
    return found


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def dashboard(rollcall: RollCall) -> dict:
    """The roll call's crisis sign-ups, for its dashboard: counts and the newest ones."""
    R, count = CrisisRegistration, _count
    totals = db.session.execute(select(
        func.count().label("registrations"), count(R.answer == "safe").label("safe"),
        count(R.answer == "help").label("help"),
        count(R.phone_verified_at.is_not(None)).label("phone_verified"))
        .where(R.rollcall_id == rollcall.id)).one()
    rows = db.session.scalars(select(R).where(R.rollcall_id == rollcall.id)
                              .order_by(R.received_at.desc(), R.id.desc())
                              .limit(current_app.config["ROLLCALL_CRISIS_LIST"]))
    return {"page": as_staff_page(_latest(rollcall)), "totals": dict(totals._mapping),
            "registrations": list(rows)}
