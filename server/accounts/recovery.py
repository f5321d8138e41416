"""Forgotten passwords: a reset link by email, good for one hour and once.

The token carries a fingerprint of the account's password hash and session token: a reset
(or any later password change, or a sign-out everywhere) changes them, so every earlier link
stops working. Staff accounts get no link: an admin sets their password (their TOTP stays).
"""
from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from server.accounts import services
from server.accounts.models import User
from server.db import db, utcnow
from server.mail.message import build
from server.mail.tasks import send_later
from server.refusals import Invalid
from server.web.urls import public_url

SALT = "compatriot-password-reset"
VALID_SECONDS = 3600
BAD_LINK = _l("This reset link is expired, already used or not valid. Ask for a new one.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}\0{user.session_token}".encode()).hexdigest()[:32]


def request_reset(address: str) -> None:
    """Mail a reset link if a traveler account has this address; nothing otherwise (the
    answer is the same either way)."""
    user = services.find_by_email(address)
    if user is None or user.is_staff or user.disabled:
        return
    token = _serializer().dumps({"u": user.id, "f": _fingerprint(user)})
    link = public_url(f"/#/reset?token={token}")
    with force_locale(user.language):
        text = "\n\n".join([
            _("Hello %(name)s,", name=user.name),
            _("Open this link to choose a new password (valid for one hour, once):"), link,
            _("If you did not ask for this, ignore this message: your password stays.")])
        send_later(build(user.email, _("Reset your password"), text, to_name=user.name))


def reset(token: str, password: str) -> User:
    """Set the new password and end every session of the account. Flushes only."""
    try:
        data = _serializer().loads(token, max_age=VALID_SECONDS)
        user = db.session.get(User, int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        user = None
    if user is None or user.is_staff or data.get("f") != _fingerprint(user):
        raise Invalid(BAD_LINK, field="token")
    user.password_hash = services.hash_password(password)
    user.rotate_session_token()  # every session, here and elsewhere, ends
    user.updated_at = utcnow()
    db.session.flush()
    return user
