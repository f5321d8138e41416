"""Sign-up by proof of address: no account exists until the link mailed to the address is opened.

A sign-up of a free address is kept in ``pending_signups`` (one row per address: a later
sign-up replaces it, and its link replaces the earlier one) and the address gets a link, good
for 48 hours, once. Opening it creates the account, verified, and signs that browser in. A
sign-up of an address that has an account creates nothing: the owner is told by mail instead.
Both are answered alike, after the same work (the password is hashed either way), so the
answer never tells whether an address is taken (README, "Accounts").
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from server.accounts import email as confirmation
from server.accounts import services, throttle
from server.accounts.email import LinkRefused
from server.accounts.models import PendingSignup, User
from server.db import db, insert_row, utcnow
from server.mail.message import build
from server.mail.tasks import send_later
from server.web.urls import public_url

SALT = "compatriot-signup"
VALID_HOURS = confirmation.VALID_HOURS


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def link(pending: PendingSignup) -> str:
    """The link that turns ``pending`` into an account (tests open it without a mailbox)."""
    token = _serializer().dumps({"a": pending.email, "n": pending.nonce})
    return public_url(f"/api/auth/signup/confirm?token={token}&lang={pending.language}")


def _pending(address: str) -> PendingSignup | None:
    return db.session.scalar(select(PendingSignup).where(PendingSignup.email == address))


def sign_up(email: str, password: str, name: str, phone: str, language: str | None) -> None:
    """Keep the sign-up and mail its link, or tell the owner of a taken address. Flushes only."""
    address = email.strip().lower()
    password_hash = services.hash_password(password)  # for a taken address too: same time
    owner = services.find_by_email(address)
    if owner is not None:
        _tell_owner(owner)
        return
    now = utcnow()
    values = dict(email=address, nonce=secrets.token_urlsafe(16), password_hash=password_hash,
                  name=name, phone=phone, language=language or str(get_locale()),
                  created_at=now, sent_at=now)
    pending = _pending(address) or insert_row(PendingSignup, values, unless_exists=("email",)) \
        or _pending(address)  # None from the insert: a sign-up of the same address just won
    for key, value in values.items():  # a later sign-up replaces it: the old link stops working
        setattr(pending, key, value)
    db.session.flush()
    _send_link(pending)


def resend(email: str) -> None:
    """The mail of the last sign-up of ``email`` again (its link, or the owner's notice), or
    nothing if there is none: answered alike in every case."""
    address = email.strip().lower()
    owner = services.find_by_email(address)
    if owner is not None:
        _tell_owner(owner)
        return
    pending = _pending(address)
    if pending is not None:
        pending.sent_at = utcnow()  # a fresh 48 hours for this link
        db.session.flush()
        _send_link(pending)


def _send_link(pending: PendingSignup) -> None:
    with force_locale(pending.language):
        text = "\n\n".join([
            _("Hello %(name)s,", name=pending.name),
            _("Open this link to confirm your email address and finish creating your "
              "Compatriot account:"),
            link(pending),
            _("The link works once, for %(hours)d hours. If you did not sign up, ignore this "
              "message: no account is created.", hours=VALID_HOURS)])
        send_later(build(pending.email, _("Confirm your email address"), text,
                         to_name=pending.name))


def _tell_owner(owner: User) -> None:
    """The owner of a taken address learns that someone tried to sign up with it."""
    if owner.disabled:
        return
    with force_locale(owner.language):
        if owner.is_staff:
            advice = [_("Staff accounts sign in on the staff console:"), public_url("/console/")]
        else:
            advice = [_("If it was you: you already have an account. Sign in, or choose a new "
                        "password here:"), public_url("/#/forgot")]
        text = "\n\n".join([
            _("Hello %(name)s,", name=owner.name),
            _("Someone tried to create a Compatriot account with your email address. No new "
              "account was created."), *advice,
            _("If it was not you, ignore this message: your account is unchanged.")])
        send_later(build(owner.email, _("Sign-up attempt with your email address"), text,
                         to_name=owner.name))


def confirm(token: str) -> User:
    """Create the account the token's sign-up asked for (its address verified), or raise
    ``LinkRefused``: "used" once opened, "expired" when old or replaced. Flushes only."""
    try:
        data = _serializer().loads(token, max_age=VALID_HOURS * 3600)
        address, nonce = str(data["a"]), str(data["n"])
    except SignatureExpired as exc:
        raise LinkRefused("expired") from exc
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkRefused("invalid") from exc
    if services.find_by_email(address) is not None:
        raise LinkRefused("used")
    pending = _pending(address)
    if pending is None or pending.nonce != nonce:
        raise LinkRefused("expired")  # replaced by a later sign-up, or purged
    try:
        with db.session.begin_nested():  # the same link opened twice at once: one account
            user = services.create_traveler(address, pending.password_hash, pending.name,
                                            pending.phone, pending.language,
                                            email_verified_at=utcnow())
    except IntegrityError as exc:
        raise LinkRefused("used") from exc
    db.session.delete(pending)
    db.session.flush()
    throttle.trust_this_browser(user)  # signed in from here: it passes a guard later
    return user


def forget_expired(now: datetime) -> int:
    """Delete the sign-ups whose link has expired (the retention job); returns how many."""
    cutoff = now - timedelta(hours=VALID_HOURS)
    return db.session.execute(
        delete(PendingSignup).where(PendingSignup.sent_at < cutoff)
        .execution_options(synchronize_session=False)).rowcount
