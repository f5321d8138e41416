"""Account rules: hashing, sign-in, profile changes, export and erasure. Services flush only."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from sqlalchemy import select

from server.accounts.models import User
from server.auth import end_session
from server.db import db, utcnow
from server.errors import field_error

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


def create_traveler(email: str, password: str, name: str, phone: str, language: str | None) -> User:
    if find_by_email(email):
        field_error("email", _l("An account with this email already exists."), status=409)
    user = User(email=email.strip().lower(), password_hash=hash_password(password), name=name,
                phone=phone, language=language or str(get_locale()), role="traveler")
    db.session.add(user)
    db.session.flush()
    return user


# Sign-in back-off, shared by the traveler and the staff sign-in -----------------------------

LOCKED_MESSAGE = _l("Too many failed sign-in attempts. Please wait and try again.")


def now() -> datetime:
    """The clock of the sign-in rules (tests replace it rather than sleep)."""
    return utcnow()


def lock_seconds(failures: int) -> int:
    """How long ``failures`` failures in a row lock an account: 0 below the threshold, then
    the base time, doubling with each further failure, capped."""
    cfg = current_app.config
    beyond = failures - cfg["LOGIN_LOCK_AFTER"]
    if beyond < 0:
        return 0
    return min(cfg["LOGIN_LOCK_BASE_SECONDS"] * 2 ** min(beyond, 20),
               cfg["LOGIN_LOCK_MAX_SECONDS"])


def refuse_if_locked(user: User | None) -> None:
    """429 with Retry-After while the account is locked, whatever the password given."""
    if user is None or user.locked_until is None:
        return
    remaining = math.ceil((user.locked_until - now()).total_seconds())
    if remaining > 0:
        abort(429, message=LOCKED_MESSAGE, headers={"Retry-After": str(remaining)})


def login_failed(user: User | None) -> None:
    """Count a failed attempt (bad password or code) and lock the account when due.

    Commits, unlike other services: the refusal that follows rolls the request back, and the
    count must survive it. The increment is done in SQL so parallel attempts all count.
    """
    if user is not None:
        user.failed_logins = User.failed_logins + 1
        db.session.flush()
        seconds = lock_seconds(user.failed_logins)
        if seconds:
            user.locked_until = now() + timedelta(seconds=seconds)
    db.session.commit()


def login_succeeded(user: User) -> None:
    user.failed_logins, user.locked_until = 0, None
    db.session.flush()


def check_password(email: str, password: str) -> User | None:
    """The password step of every sign-in: 429 while locked; the user if the password
    matches, else None with the failure counted."""
    user = find_by_email(email)
    refuse_if_locked(user)
    if password_matches(user, password):
        return user
    login_failed(user)
    return None


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
    for key, value in changes.items():
        setattr(user, key, value)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not password_matches(user, current):
        field_error("current_password", _l("The current password is not correct."))
    user.password_hash = hash_password(new)
    user.rotate_session_token()
    user.updated_at = utcnow()
    db.session.flush()


def delete_account(user: User, password: str) -> None:
    if not password_matches(user, password):
        field_error("password", _l("The password is not correct."))
    db.session.delete(user)
    db.session.flush()
