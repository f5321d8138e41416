"""Proving an email address: a signed, expiring link sent to it, good once.

The token names the account and the address it proves. It works while that address is still
waiting to be proven (the unverified sign-up address, or the pending new one): once opened,
the address is verified (a pending one replaces the old), so the same link finds nothing left
to prove and is "used". No nonce table: the account's own state is the single-use check.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from server.accounts.models import User
from server.db import db, utcnow
from server.mail.message import build
from server.mail.tasks import send_later
from server.refusals import Conflict, Invalid
from server.web.urls import public_url

SALT = "compatriot-email-confirm"
VALID_HOURS = 48


class LinkRefused(Exception):
    """A link that proves nothing: ``reason`` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def confirmation_link(user: User, address: str) -> str:
    token = _serializer().dumps({"u": user.id, "a": address})
    return public_url(f"/api/auth/email/confirm?token={token}&lang={user.language}")


def send_confirmation(user: User, address: str | None = None) -> None:
    """Mail the link proving ``address`` (the account's own by default), once committed."""
    address = address or user.email
    with force_locale(user.language):
        text = "\n\n".join([
            _("Hello %(name)s,", name=user.name),
            _("Open this link to confirm your email address:"),
            confirmation_link(user, address),
            _("The link works once, for %(hours)d hours. If you did not sign up, ignore this "
              "message.", hours=VALID_HOURS)])
        send_later(build(address, _("Confirm your email address"), text, to_name=user.name))


def confirm(token: str) -> User:
    """Verify the address the token names, or raise ``LinkRefused``. Flushes only."""
    try:
        data = _serializer().loads(token, max_age=VALID_HOURS * 3600)
        user_id, address = int(data["u"]), str(data["a"])
    except SignatureExpired as exc:
        raise LinkRefused("expired") from exc
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkRefused("invalid") from exc
    user = db.session.get(User, user_id)
    if user is None:
        raise LinkRefused("invalid")
    if address == user.pending_email and not _taken(address, user):
        user.email, user.pending_email = address, None
    elif address != user.email or user.email_verified:
        raise LinkRefused("used")
    user.email_verified_at = utcnow()
    db.session.flush()
    return user


def _taken(address: str, user: User) -> bool:
    return db.session.scalar(select(User.id).where(User.email == address,
                                                   User.id != user.id)) is not None


NOTHING_TO_PROVE = _l("Your email address is already confirmed.")
SAME_ADDRESS = _l("This is already your email address.")


def resend(user: User) -> None:
    """The link again: for the pending new address if there is one, else the account's own."""
    if user.pending_email:
        send_confirmation(user, user.pending_email)
    elif user.email_verified:
        raise Conflict(NOTHING_TO_PROVE, field="email")
    else:
        send_confirmation(user)


def request_change(user: User, address: str) -> User:
    """Keep ``address`` pending and mail it a link; the old address stays until it is opened.
    An address another account holds is answered alike (nothing tells it is taken) but gets
    no link: it could never replace this one."""
    address = address.strip().lower()
    if address == user.email:
        raise Invalid(SAME_ADDRESS, field="email")
    user.pending_email = address
    db.session.flush()
    if not _taken(address, user):
        send_confirmation(user, address)
    return user
