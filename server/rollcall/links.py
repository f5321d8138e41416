"""One-tap answers from a roll-call email: an "I am safe" and an "I need help" link, each
signed for one recipient, one roll call and one answer, recorded without signing in by the
app's own answer service (``answers.answer``: "help" opens the SOS case, idempotent).

Opening a link (GET) only shows a page with one button; the button (POST) records. Mail
scanners and link previews fetch every link in a message: a GET that recorded would answer
for the traveler. The signed token is the credential (no session, no cookie), so the POST is
exempt from the session's CSRF check: a forger would need the link itself.

The link is good for ``VALID_DAYS`` after the email was written (a fixed bound, longer than
any roll call: ``ROLLCALL_MAX_HOURS``), and only while the roll call is open: an answer after
the deadline counts, marked late, until staff close it, as in the app.
"""
from __future__ import annotations

import uuid

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from server.accounts.models import User
from server.broadcast.models import Message
from server.db import db, utcnow
from server.rollcall import answers
from server.rollcall.models import (
    ANSWERS,
    RollCall,
    RollCallAnswer,
    RollCallMessage,
    RollCallRecipient,
)
from server.web.urls import public_url

SALT = "compatriot-rollcall-answer"
VALID_DAYS = 7
# Answer client_uuid = uuid5(namespace, "rollcall:user:answer"): every tap of one link is
# the same answer, so the second changes nothing.
NAMESPACE = uuid.UUID("a7d1c3e5-2b4f-4c6a-9e8d-1f3b5a7c9e02")


class LinkRefused(Exception):
    """A link that records nothing: ``reason`` is "invalid", "expired" or "closed"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def link(rollcall_id: int, user_id: int, answer: str, language: str) -> str:
    token = _serializer().dumps({"r": rollcall_id, "u": user_id, "a": answer})
    return public_url(f"/api/rollcalls/{rollcall_id}/email-answer?token={token}&lang={language}")


def rollcall_of(message: Message) -> int | None:
    """The roll call whose email ``message`` is (itself or its reminder), or None."""
    if not isinstance(message, RollCallMessage):
        return None
    return db.session.scalar(select(RollCall.id).where(RollCall.alert_id == message.thread_id))


def answer_links(message: Message, user_id: int, language: str,
                 rollcall_id: int | None = None) -> list[tuple[str, str]]:
    """(label, URL) of the two answers, for the email of a roll call (or of its reminder)
    to ``user_id``; none for a message that is no roll call. ``rollcall_id``: the
    ``rollcall_of(message)`` a caller writing many emails looked up once. Call inside
    ``force_locale``."""
    rollcall_id = rollcall_id or rollcall_of(message)
    if rollcall_id is None:
        return []
    return [(gettext("I am safe"), link(rollcall_id, user_id, "safe", language)),
            (gettext("I need help"), link(rollcall_id, user_id, "help", language))]


def _client_uuid(rollcall_id: int, user_id: int, answer: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{rollcall_id}:{user_id}:{answer}"))


def read(rollcall_id: int, token: str) -> tuple[RollCall, User, str]:
    """The roll call, the recipient and the answer a link stands for, or ``LinkRefused``:
    a tampered token, one of another roll call, of someone not asked, or a closed roll call."""
    try:
        data = _serializer().loads(token, max_age=VALID_DAYS * 86400)
        link_rollcall, user_id, answer = int(data["r"]), int(data["u"]), str(data["a"])
    except SignatureExpired as exc:
        raise LinkRefused("expired") from exc
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkRefused("invalid") from exc
    if link_rollcall != rollcall_id or answer not in ANSWERS:
        raise LinkRefused("invalid")
    row = db.session.execute(
        select(RollCall, User).join(RollCallRecipient, RollCallRecipient.rollcall_id == RollCall.id)
        .join(User, User.id == RollCallRecipient.user_id)
        .where(RollCall.id == rollcall_id, User.id == user_id, User.disabled.is_(False))).first()
    if row is None:
        raise LinkRefused("invalid")
    if row[0].state == "closed":
        raise LinkRefused("closed")
    return row[0], row[1], answer


def already_recorded(rollcall: RollCall, user: User, answer: str) -> bool:
    return db.session.scalar(select(RollCallAnswer.id).where(
        RollCallAnswer.client_uuid == _client_uuid(rollcall.id, user.id, answer))) is not None


def record(rollcall_id: int, token: str) -> tuple[User, str, bool]:
    """Record the link's answer once: (recipient, answer, recorded now). Flushes only."""
    rollcall, user, answer = read(rollcall_id, token)
    _result, created = answers.answer(user, rollcall.id, {
        "client_uuid": _client_uuid(rollcall.id, user.id, answer), "answer": answer,
        "answered_at": utcnow(), "party_size": 1, "wants_evacuation": False,
        "lat": None, "lon": None, "accuracy": None})
    return user, answer, created
