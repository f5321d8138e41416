"""Staff sign-in: password, then a TOTP code; the first sign-in enrols the authenticator.

Failures count in the shared throttle (``server.accounts.throttle``): a wrong password per
address and across addresses, a wrong or replayed code for the account. While the account is
guarded (many failures from many addresses), the password is only checked together with a
code: with or without the right password, the answer asks for the code or says it is wrong.
A traveler account is refused exactly like a wrong password.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update

from server.accounts import services as accounts
from server.accounts import throttle
from server.accounts.models import User
from server.audit import services as audit
from server.auth import begin_session
from server.db import db
from server.refusals import Conflict, Unauthenticated
from server.staff import sessions, totp

BAD_CREDENTIALS = _l("Email or password is not correct.")
CODE_REQUIRED = _l("Enter the 6-digit code from your authenticator app.")
BAD_CODE = _l("This code is not correct or was already used. Wait for the next code and "
              "try again.")
ALREADY_ENROLLED = _l("Two-factor sign-in is already set up for this account.")
NOT_STARTED = _l("Sign in with your password first to get a new QR code.")


CODE_LANES = ("code",)


def _fail(email: str, user: User | None, reason: str, field: str | None = None,
          message=BAD_CREDENTIALS):
    """Audit a failed attempt on a staff account, count it, refuse with 401."""
    if user is not None and user.is_staff:
        audit.record(user, "staff.sign_in_failed", user, reason=reason)
    throttle.failed(email, user, CODE_LANES if reason.startswith("totp") else
                    throttle.PASSWORD_LANES)
    if field:
        raise Unauthenticated(message, field=field)
    raise Unauthenticated(message)


def _password_step(email: str, password: str, code: str | None) -> tuple[User, dict]:
    """The staff account if the password is right (and the locks met so far)."""
    locked = throttle.locks(email)
    throttle.refuse_if_locked(locked, "source", "code")
    user = accounts.find_by_email(email)
    right = accounts.password_matches(user, password) and user.is_staff and not user.disabled
    if "account" in locked:
        if not code:  # asked of everyone: it tells nothing about the password
            raise Unauthenticated(CODE_REQUIRED, field="totp")
        if not right or user.totp_secret is None:  # no enrolment (a password oracle) either
            _fail(email, user, "password", "totp", BAD_CODE)
    elif not right:
        _fail(email, user, "password")
    return user, locked


def _accept_code(user: User, secret: str, code: str | None, after: int | None) -> int:
    """The code's time step, recorded atomically so the same code cannot be used twice."""
    if not code:
        raise Unauthenticated(CODE_REQUIRED, field="totp")
    counter = totp.matching_counter(secret, code, throttle.now(), after)
    if counter is None:
        _fail(user.email, user, "totp", "totp", BAD_CODE)
    # Two requests racing with one code: only the one that moves the counter wins.
    won = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_counter.is_(None),
                                                   User.totp_last_counter < counter))
        .values(totp_last_counter=counter).execution_options(synchronize_session="fetch"))
    if won.rowcount != 1:
        _fail(user.email, user, "totp_replay", "totp", BAD_CODE)
    return counter


def _signed_in(user: User, locked: dict, action: str = "staff.sign_in") -> User:
    throttle.succeeded(user.email, locked)
    begin_session(user, remember=False)  # a fresh session and CSRF token
    sessions.start()
    audit.record(user, action, user)
    return user


def _enrolment(user: User) -> dict:
    """A new pending secret each time: a QR code seen earlier (by anyone) stops working."""
    user.totp_pending_secret = totp.new_secret()
    db.session.flush()
    uri = totp.provisioning_uri(user.totp_pending_secret, user.email,
                                current_app.config["TOTP_ISSUER"])
    return {"enrolment_required": True, "otpauth_uri": uri,
            "secret": user.totp_pending_secret, "qr_svg": totp.qr_svg_data_uri(uri)}


def sign_in(email: str, password: str, code: str | None) -> User | dict:
    """The signed-in user, or the enrolment data when no authenticator is set up yet."""
    user, locked = _password_step(email, password, code)
    if user.totp_secret is None:
        return _enrolment(user)
    _accept_code(user, user.totp_secret, code, user.totp_last_counter)
    return _signed_in(user, locked)


def enrol(email: str, password: str, code: str) -> User:
    """Confirm the pending secret with a code from it: it becomes active and the user is in."""
    user, locked = _password_step(email, password, code)
    if user.totp_secret is not None:
        raise Conflict(ALREADY_ENROLLED)
    if user.totp_pending_secret is None:
        raise Conflict(NOT_STARTED)
    _accept_code(user, user.totp_pending_secret, code, None)
    user.totp_secret, user.totp_pending_secret = user.totp_pending_secret, None
    audit.record(user, "staff.totp_enrol", user)
    return _signed_in(user, locked)


def sign_out(user) -> None:
    """End a staff session and every copy of it. (A traveler's session is left alone: they
    sign out through /api/auth/logout.)"""
    if getattr(user, "is_authenticated", False) and user.is_staff:
        audit.record(user, "staff.sign_out", user)
        accounts.sign_out(user)
