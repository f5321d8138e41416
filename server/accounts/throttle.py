"""Sign-in throttle, shared by the traveler and the staff sign-in: slow the guesser, not the owner.

Failed attempts are counted in lanes, rows of ``sign_in_throttles``:

- ``source``: this email from this address. ``LOGIN_LOCK_AFTER`` failures in a row lock the
  pair for ``LOGIN_LOCK_BASE_SECONDS``, doubling with each further failure up to
  ``LOGIN_LOCK_MAX_SECONDS``. The guesser's address is refused; the owner elsewhere is not.
- ``account``: this email from any address. ``LOGIN_GUARD_AFTER`` failures (an attack spread
  over many addresses) guard the account, with the same back-off. While it is guarded a
  refusal says nothing about the password, and only a sign-in that proves more than the
  password gets in: staff with a valid code in the same request, travelers from a browser
  that signed in to this account before (its device cookie).
- ``code``: staff, right password and wrong code. ``LOGIN_LOCK_AFTER`` failures lock the
  account from everywhere: only someone who has the password can cause it, and the lock keeps
  the second factor from being guessed.

Emails without an account are counted alike, so the answers (and their timing) do not tell
them apart. A lane that starts locking an account's sign-in is audited
(``staff.login_throttled`` / ``account.login_throttled``) and logged as a warning; a staff
account's also reaches every admin's console at once (live event ``security.sign_in_throttled``).
"""
from __future__ import annotations

import hmac
import math
from datetime import datetime, timedelta
from hashlib import sha256

from flask import after_this_request, current_app, request
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select, update

from server import live
from server.accounts.models import SignInThrottle, User
from server.audit import services as audit
from server.db import conflict_insert, db, utcnow
from server.refusals import Throttled

LOCKED_MESSAGE = _l("Too many failed sign-in attempts. Please wait and try again.")
PASSWORD_LANES = ("source", "account")
DEVICE_COOKIE = "compatriot_device"


def now() -> datetime:
    """The clock of the sign-in rules (tests replace it rather than sleep)."""
    return utcnow()


def lock_seconds(failures: int, after: int) -> int:
    """How long ``failures`` failures in a row lock a lane: 0 below ``after``, then the base
    time, doubling with each further failure, capped."""
    cfg = current_app.config
    beyond = failures - after
    if beyond < 0:
        return 0
    return min(cfg["LOGIN_LOCK_BASE_SECONDS"] * 2 ** min(beyond, 20),
               cfg["LOGIN_LOCK_MAX_SECONDS"])


def _threshold(lane: str) -> int:
    cfg = current_app.config
    return cfg["LOGIN_GUARD_AFTER"] if lane == "account" else cfg["LOGIN_LOCK_AFTER"]


def _keys(email: str) -> dict[str, str]:
    """Each lane's row key: a keyed hash, so the table holds no email or address."""
    secret = current_app.config["SECRET_KEY"].encode()
    email = email.strip().lower()
    parts = {"source": f"{email}\0{request.remote_addr or 'unknown'}", "account": email,
             "code": email}
    return {lane: hmac.new(secret, f"{lane}\0{part}".encode(), sha256).hexdigest()
            for lane, part in parts.items()}


def locks(email: str) -> dict[str, int]:
    """The lanes of this email (from this address) that are locked: lane -> seconds left."""
    keys, at = _keys(email), now()
    lane_of = {key: lane for lane, key in keys.items()}
    rows = db.session.execute(select(SignInThrottle.key, SignInThrottle.locked_until).where(
        SignInThrottle.key.in_(keys.values()), SignInThrottle.locked_until > at))
    return {lane_of[key]: max(1, math.ceil((until - at).total_seconds())) for key, until in rows}


def refuse_if_locked(locked: dict[str, int], *lanes: str) -> None:
    """429 with Retry-After if any of ``lanes`` is locked, whatever the password given."""
    waits = [locked[lane] for lane in lanes if lane in locked]
    if waits:
        raise Throttled(LOCKED_MESSAGE, retry_after=max(waits))


def failed(email: str, user: User | None, lanes: tuple[str, ...] = PASSWORD_LANES) -> None:
    """Count a failed attempt in ``lanes`` and lock those that reach their threshold.

    Commits, unlike other services: the refusal that follows rolls the request back, and the
    count must survive it. The increment is one upsert, so parallel attempts all count.
    """
    keys = _keys(email)
    for lane in lanes:
        failures = _count(keys[lane])
        seconds = lock_seconds(failures, _threshold(lane))
        if seconds:
            db.session.execute(update(SignInThrottle).where(SignInThrottle.key == keys[lane])
                               .values(locked_until=now() + timedelta(seconds=seconds)))
        if failures == _threshold(lane):
            _alert(lane, user, failures)
    db.session.commit()


def _count(key: str) -> int:
    table, at = SignInThrottle.__table__, now()
    statement = conflict_insert(table).values(key=key, failures=1, updated_at=at)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": table.c.failures + 1, "updated_at": at}).returning(table.c.failures)
    return db.session.execute(statement).scalar_one()


def _alert(lane: str, user: User | None, failures: int) -> None:
    """The admins' signal: a warning in the log for every lane that starts locking; for an
    existing account an audit event, and for a staff account a live banner in every admin's
    console (an event with no mission reaches the admins only)."""
    current_app.logger.warning("sign-in throttled: %s lane locked after %d failures "
                               "(account %s, from %s)", lane, failures,
                               user.id if user else "unknown", request.remote_addr)
    if user is not None:
        action = "staff.login_throttled" if user.is_staff else "account.login_throttled"
        audit.record("sign-in throttle", action, user, lane=lane, failures=failures)
    if user is not None and user.is_staff:
        live.publish_after_commit("security.sign_in_throttled", None, staff=user.id, lane=lane,
                                  failures=failures)


def succeeded(email: str, locked: dict[str, int]) -> None:
    """Forget this address's and the second factor's failures; the count across addresses
    too unless the account is guarded (the owner getting in must not lift the guard)."""
    keys = _keys(email)
    lanes = ["source", "code"] + ([] if "account" in locked else ["account"])
    db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.key.in_([keys[lane] for lane in lanes])))


def forget_idle(before: datetime) -> int:
    """Delete lanes without a failure since ``before`` (retention; a lock lasts at most
    LOGIN_LOCK_MAX_SECONDS after the failure that set it)."""
    return db.session.execute(delete(SignInThrottle).where(SignInThrottle.updated_at < before)
                              .execution_options(synchronize_session=False)).rowcount


# A browser that signed in before: it passes a guarded traveler account ---------------------

def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="compatriot-device")


def trusted_browser(user: User | None) -> bool:
    raw = request.cookies.get(DEVICE_COOKIE)
    if user is None or not raw:
        return False
    max_age = current_app.config["LOGIN_DEVICE_DAYS"] * 86400
    try:
        return _devices().loads(raw, max_age=max_age) == user.id
    except BadSignature:
        return False


def trust_this_browser(user: User) -> None:
    """Send the device cookie with this response (not a credential: it only passes the guard,
    and a copied one still meets the per-address lane)."""
    value, cfg = _devices().dumps(user.id), current_app.config

    @after_this_request
    def _set(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=cfg["LOGIN_DEVICE_DAYS"] * 86400,
                            httponly=True, samesite="Lax", secure=cfg["SESSION_COOKIE_SECURE"])
        return response
