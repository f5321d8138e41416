"""Texts from phones (mobile-originated): an answer to the sender's latest open roll call, an
SOS, or text kept for staff and answered with the help text. Once per gateway message id.

Only a proven number speaks for its account: a reply from any other number is kept and
shown to admins, never matched to anyone.
"""
from __future__ import annotations

import re
import unicodedata
import uuid

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.accounts.models import User
from server.db import db, insert_row, utcnow
from server.refusals import Invalid
from server.rollcall import answers
from server.rollcall.models import RollCall, RollCallRecipient
from server.sms import services, texts
from server.sms.models import SmsInbox
from server.sos import routing
from server.sos import services as sos

# uuid5(namespace, message id): a replayed MO makes one answer and one SOS case.
ANSWER_NAMESPACE = uuid.UUID("0d3b8a44-9a41-4f7e-8f0e-5c2a3f6b1e21")
SOS_NAMESPACE = uuid.UUID("7c1e2f90-3b5d-4a8e-b6f1-2d4c9e0a7b13")

# What people type, after normalize(): digits in any script, case, width and spacing folded.
WORDS = {
    "safe": {"1", "safe", "ok", "okay", "i am safe", "im safe", "i'm safe", "安全", "我安全",
             "平安", "我平安", "没事", "沒事", "آمن", "انا آمن", "أنا آمن", "بخير", "انا بخير",
             "أنا بخير"},
    "help": {"2", "help", "need help", "i need help", "帮助", "幫助", "需要帮助", "需要幫助",
             "救命", "مساعدة", "ساعدني", "أحتاج مساعدة", "احتاج مساعدة"},
    "sos": {"sos", "求救", "紧急求救", "緊急求救", "استغاثة", "نجدة"},
}
TOO_LONG = _l("Must be at most {max} characters.")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff"
                      "\ud800-\udfff]")
_PUNCTUATION = re.compile(r"[\s.!?,;:。！？，、؟،]+")


def clean(text: str) -> str:
    """The text as kept: controls, bidi controls and lone surrogates gone, trimmed."""
    return _CONTROL.sub("", text).strip()


def normalize(text: str) -> str:
    """For matching: NFKC (full-width letters and digits), every script's digits as ASCII,
    case folded, punctuation and runs of spaces as one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in folded)
    return _PUNCTUATION.sub(" ", folded).strip()


def intent(text: str) -> str:
    """safe, help, sos or other."""
    word = normalize(text)
    return next((name for name, forms in WORDS.items() if word in forms), "other")


def e164(number: str) -> str | None:
    """The sender as E.164 (Kannel gives ``+33...`` or ``0033...``), None if it is no number
    (an alphanumeric sender)."""
    try:
        parsed = phonenumbers.parse(number, current_app.config["HOME_COUNTRY"])
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _owner(number: str | None) -> User | None:
    """The account this number is proven on (verification keeps it to one)."""
    if number is None:
        return None
    return db.session.scalar(select(User).where(User.phone == number,
                                                User.phone_verified_at.is_not(None))
                             .order_by(User.phone_verified_at.desc()).limit(1))


def _open_rollcall(user: User) -> RollCall | None:
    return db.session.scalar(
        select(RollCall).join(RollCallRecipient, RollCallRecipient.rollcall_id == RollCall.id)
        .where(RollCallRecipient.user_id == user.id, RollCall.state.in_(answers.OPEN_STATES))
        .order_by(RollCall.id.desc()).limit(1))


def receive(mo_id: str, sender: str, receiver: str | None, text: str) -> SmsInbox:
    """Handle one text from a phone, once per ``mo_id`` (a replay returns the first row)."""
    text = clean(text)
    limit = current_app.config["SMS_MAX_TEXT"]
    if len(text) > limit:  # refused whole: a cut text could change what it asks for
        raise Invalid(TOO_LONG.format(max=limit), field="text", location="query")
    number = e164(sender)
    row = insert_row(SmsInbox, dict(
        mo_id=mo_id, sender=number or sender, receiver=receiver, text=text,
        handled_as="unknown", received_at=utcnow()), unless_exists=("mo_id",))
    if row is None:
        return db.session.scalar(select(SmsInbox).where(SmsInbox.mo_id == mo_id))
    user = _owner(number)
    if user is None:
        _answer_with_help(row, number, None)
    else:
        row.user_id = user.id
        _handle(row, user, intent(text))
    db.session.flush()
    return row


def _handle(row: SmsInbox, user: User, what: str) -> None:
    rollcall = _open_rollcall(user) if what in ("safe", "help") else None
    if rollcall is not None:
        recorded, _created = answers.answer(user, rollcall.id, {
            "client_uuid": uuid.uuid5(ANSWER_NAMESPACE, row.mo_id), "answer": what,
            "answered_at": row.received_at, "party_size": 1, "wants_evacuation": False,
            "lat": None, "lon": None, "accuracy": None})
        row.handled_as, row.rollcall_id, row.embassy_id = what, rollcall.id, rollcall.embassy_id
        if recorded.get("sos_case"):
            row.sos_case_id = _case_id(recorded["sos_case"])
        return
    if what == "sos":
        case, _created = sos.raise_sos(user, {
            "client_uuid": uuid.uuid5(SOS_NAMESPACE, row.mo_id), "raised_at": row.received_at,
            "message": f"SMS: {row.text}"[:1000], "lat": None, "lon": None,
            "accuracy": None, "trip_id": None})
        row.handled_as, row.sos_case_id, row.embassy_id = "sos", case.id, case.embassy_id
        return
    row.handled_as = "other"
    row.embassy_id = routing.route(user, None, None, None).embassy_id
    _answer_with_help(row, user.phone, user)


def _case_id(client_uuid: str) -> int | None:
    from server.sos.models import SosCase

    return db.session.scalar(select(SosCase.id).where(SosCase.client_uuid == client_uuid))


def _answer_with_help(row: SmsInbox, number: str | None, user: User | None) -> None:
    """The help text, at most once per number every ``SMS_HELP_EVERY_MINUTES`` (a loop with
    another automatic sender, or a flood, must not cost a text per message)."""
    if number is None or services.recent_to(number, "help",
                                            current_app.config["SMS_HELP_EVERY_MINUTES"]):
        return
    services.queue(number, texts.help_text(user.language if user else None), "help",
                   user_id=user.id if user else None, ref=f"inbox:{row.id}")
