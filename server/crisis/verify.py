"""Proving the phone of a crisis sign-up: the same 6-digit SMS code as an account's
(``server/sms/verify.py``: ``SMS_CODE_MINUTES``, ``SMS_CODE_ATTEMPTS``, a keyed hash only),
kept on the registration, since there is no account."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from server.crisis.models import CrisisRegistration
from server.crisis.services import open_by_slug, registration
from server.db import db, utcnow
from server.refusals import Conflict, Invalid, Throttled
from server.sms import services as sms
from server.sms import texts
from server.sms.verify import ALREADY, EXPIRED, TOO_MANY, WRONG


def _hash(row: CrisisRegistration, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"crisis:{row.id}:{row.phone}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def send_code(slug: str, client_uuid) -> CrisisRegistration:
    """Send a new code to the registration's number (while the page is open)."""
    open_by_slug(slug)
    row = registration(slug, client_uuid)
    if row.phone_verified:
        raise Conflict(ALREADY, field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash, row.code_attempts = _hash(row, code), 0
    row.code_expires_at = utcnow() + timedelta(minutes=current_app.config["SMS_CODE_MINUTES"])
    sms.queue(row.phone, texts.verification(code, row.language), "verify",
              ref=f"crisis:{row.id}")
    db.session.flush()
    return row


def confirm(slug: str, client_uuid, code: str) -> CrisisRegistration:
    """Check a code: the registration's phone is proven (staff see it as verified)."""
    row = registration(slug, client_uuid)
    if row.phone_verified:
        return row
    if row.code_hash is None or row.code_expires_at <= utcnow():
        raise Invalid(EXPIRED, field="code")
    if row.code_attempts >= current_app.config["SMS_CODE_ATTEMPTS"]:
        raise Throttled(TOO_MANY, field="code")
    if not hmac.compare_digest(row.code_hash, _hash(row, code)):
        # Committed: the refusal rolls the request back, and the count must survive it.
        db.session.execute(update(CrisisRegistration)
                           .where(CrisisRegistration.id == row.id)
                           .values(code_attempts=CrisisRegistration.code_attempts + 1))
        db.session.commit()
        raise Invalid(WRONG, field="code")
    row.phone_verified_at, row.code_hash, row.code_expires_at = utcnow(), None, None
    db.session.flush()
    return row
