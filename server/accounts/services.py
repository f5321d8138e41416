"""Account rules: hashing, sign-in, profile changes, export and erasure. Services flush only."""
from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server import signals
from server.accounts import throttle
from server.accounts.models import User
from server.auth import end_session
from server.db import db, utcnow
from server.refusals import Forbidden, Invalid, Unauthenticated

# Verifying against this keeps sign-in for an unknown email as slow as for a known one.
_DUMMY_HASH = None


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg.get("ARGON2_TIME_COST", 3),
                          memory_cost=cfg.get("ARGON2_MEMORY_COST", 65536),
                          parallelism=cfg.get("ARGON2_PARALLELISM", 2))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(user: User | None, password: str) -> bool:
    global _DUMMY_HASH
    hasher = _hasher()
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hasher.hash("not a real password")
        stored = _DUMMY_HASH
    else:
        stored = user.password_hash
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is not None and hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return user is not None


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_traveler(email: str, password_hash: str, name: str, phone: str | None,
                    language: str | None, email_verified_at: datetime | None = None) -> User:
    """A traveler account, as-is: sign-up reaches it only once the address is proven
    (``server/accounts/signup.py``), which checks that the address is free."""
    user = User(email=email.strip().lower(), password_hash=password_hash, name=name,
                phone=phone, language=language or str(get_locale()), role="traveler",
                email_verified_at=email_verified_at)
    db.session.add(user)
    db.session.flush()
    return user


BAD_CREDENTIALS = _l("Email or password is not correct.")
STAFF_DOOR = _l("Staff accounts sign in on the staff console at /console/.")


def sign_in(email: str, password: str) -> User:
    """The traveler sign-in: the user, else 401, 403 (a staff account, told only to someone
    with its password) or 429 (``throttle``: this address, or a guarded account)."""
    locked = throttle.locks(email)
    throttle.refuse_if_locked(locked, "source")
    user = find_by_email(email)
    if not throttle.trusted_browser(user):
        throttle.refuse_if_locked(locked, "account")
    if not password_matches(user, password):
        throttle.failed(email, user)
        raise Unauthenticated(BAD_CREDENTIALS)
    if user.is_staff:
        raise Forbidden(STAFF_DOOR)
    throttle.succeeded(email, locked)
    throttle.trust_this_browser(user)
    return user


def sign_out(user: User) -> None:
    """End this session and every copy of it: the session token is rotated, so the old session
    cookie and remember cookie stop working wherever they were copied to (on every device:
    the token is the account's)."""
    if user.is_authenticated:
        user.rotate_session_token()
        db.session.flush()
    end_session()


def update_profile(user: User, changes: dict) -> User:
    if changes.get("location_consent") is False:
        from server.accounts import privacy

        privacy.withdraw_location_consent(user)
    if "phone" in changes and changes["phone"] != user.phone:
        from server.sms import verify

        verify.forget(user)  # a new number must be proven again
    for key, value in changes.items():
        setattr(user, key, value)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not password_matches(user, current):
        raise Invalid(_l("The current password is not correct."), field="current_password")
    user.password_hash = hash_password(new)
    user.rotate_session_token()
    user.updated_at = utcnow()
    db.session.flush()


def delete_account(user: User, password: str) -> None:
    if not password_matches(user, password):
        raise Invalid(_l("The password is not correct."), field="password")
    signals.account_deleting.send(user)
    db.session.delete(user)
    db.session.flush()
