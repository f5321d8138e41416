"""Proving a phone number: a 6-digit code by SMS, valid ``SMS_CODE_MINUTES``, at most
``SMS_CODE_ATTEMPTS`` wrong tries; a number is proven on one account at a time."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from server.accounts.models import User
from server.audit import services as audit
from server.db import db, utcnow
from server.refusals import Conflict, Invalid, Throttled
from server.sms import services, texts
from server.sms.models import PhoneVerification

NO_PHONE = _l("Add a phone number to your profile first.")
ALREADY = _l("This phone number is already verified.")
EXPIRED = _l("This code has expired. Ask for a new one.")
WRONG = _l("This code is not correct.")
TOO_MANY = _l("Too many wrong codes. Ask for a new one.")


def _hash(user_id: int, phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{user_id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _pending(user: User) -> PhoneVerification | None:
    return db.session.scalar(select(PhoneVerification)
                             .where(PhoneVerification.user_id == user.id))


def forget(user: User) -> None:
    """The number changed (or went): it is unproven, and a code sent to the old one is void."""
    user.phone_verified_at = None
    db.session.execute(delete(PhoneVerification).where(PhoneVerification.user_id == user.id))


def send_code(user: User) -> PhoneVerification:
    """Send a new code to the profile's number (the one SMS an unproven number receives)."""
    if not user.phone:
        raise Invalid(NO_PHONE, field="phone")
    if user.phone_verified_at is not None:
        raise Conflict(ALREADY, field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    forget(user)
    pending = PhoneVerification(
        user_id=user.id, phone=user.phone, code_hash=_hash(user.id, user.phone, code),
        attempts=0,
        expires_at=utcnow() + timedelta(minutes=current_app.config["SMS_CODE_MINUTES"]))
    db.session.add(pending)
    services.queue(user.phone, texts.verification(code, user.language), "verify",
                   user_id=user.id)
    db.session.flush()
    return pending


def confirm(user: User, code: str) -> User:
    """Check a code: the number is proven (and no longer proven on any other account)."""
    pending = _pending(user)
    if pending is None or pending.phone != user.phone or pending.expires_at <= utcnow():
        raise Invalid(EXPIRED, field="code")
    if pending.attempts >= current_app.config["SMS_CODE_ATTEMPTS"]:
        raise Throttled(TOO_MANY, field="code")
    if not hmac.compare_digest(pending.code_hash, _hash(user.id, user.phone, code)):
        # Committed: the refusal rolls the request back, and the count must survive it.
        db.session.execute(update(PhoneVerification)
                           .where(PhoneVerification.id == pending.id)
                           .values(attempts=PhoneVerification.attempts + 1))
        db.session.commit()
        raise Invalid(WRONG, field="code")
    db.session.execute(update(User).where(User.phone == user.phone, User.id != user.id)
                       .values(phone_verified_at=None).execution_options(
                           synchronize_session=False))
    user.phone_verified_at = utcnow()
    db.session.delete(pending)
    audit.record(user, "account.phone_verified", user)
    db.session.flush()
    return user
