"""Staff sessions expire: after STAFF_SESSION_IDLE_MINUTES without activity, and
STAFF_SESSION_MAX_HOURS after sign-in whatever the activity.

The times live in the signed session cookie, so the client can neither move them nor keep an
older cookie alive longer than the newer one. Requests sent with ``X-Compatriot-Background: 1``
(the console's polling) do not count as activity.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import abort

from server.auth import end_session

SIGNED_IN_AT = "staff_signed_in_at"
SEEN_AT = "staff_seen_at"
BACKGROUND_HEADER = "X-Compatriot-Background"
EXPIRED_MESSAGE = _l("Your session has expired. Please sign in again.")
# Where an expired session simply continues signed out (signing in again, signing out).
SIGN_IN_ENDPOINTS = frozenset({
    "accounts.Login", "accounts.Signup", "accounts.Logout",
    "staff.StaffLogin", "staff.StaffEnrol", "staff.StaffLogout"})


def clock() -> float:
    """Seconds since the epoch (tests replace it rather than sleep)."""
    return time.time()


def start() -> None:
    """Begin a fresh staff session (call right after ``login_user``)."""
    now = clock()
    session[SIGNED_IN_AT] = session[SEEN_AT] = now


def deadlines() -> dict[str, datetime | None]:
    """When the current session ends if idle, and at the latest."""
    cfg = current_app.config
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if signed_in is None or seen is None:
        return {"idle_expires_at": None, "expires_at": None}

    def at(ts: float) -> datetime:
        return datetime.fromtimestamp(ts, UTC)

    return {"idle_expires_at": at(seen + cfg["STAFF_SESSION_IDLE_MINUTES"] * 60),
            "expires_at": at(signed_in + cfg["STAFF_SESSION_MAX_HOURS"] * 3600)}


def _expired(now: float) -> bool:
    ends = deadlines()
    if ends["expires_at"] is None:  # a staff session not begun by the staff sign-in
        return True
    return now >= min(ends["idle_expires_at"], ends["expires_at"]).timestamp()


def end() -> None:
    """Sign out: clear the whole session (the CSRF token too)."""
    end_session()


def check() -> None:
    """Before each request: end an expired staff session (401 on the API), else mark activity."""
    if not current_user.is_authenticated or not current_user.is_staff:
        return
    now = clock()
    if _expired(now):
        end()
        if request.path.startswith("/api/") and request.endpoint not in SIGN_IN_ENDPOINTS:
            abort(401, message=EXPIRED_MESSAGE)
        return
    if request.headers.get(BACKGROUND_HEADER) != "1":
        session[SEEN_AT] = now
