"""Who may act where. Every staff query and action goes through these checks.

admin: everything. officer: read and act within their mission's jurisdiction.
viewer: read only, within their mission's jurisdiction.
"""
from __future__ import annotations

from functools import wraps

from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import and_, false, or_, true

from server.accounts.models import User
from server.db import db
from server.embassies.models import EmbassyArea
from server.openapi import requires_sign_in
from server.refusals import NotFound


def require_staff(*roles: str):
    """Decorate a view: 401 when signed out, 403 unless the user has one of ``roles``."""
    allowed = roles or ("viewer", "officer", "admin")

    @requires_sign_in  # on a MethodView's decorators too, for the OpenAPI document
    def decorator(view):
        @requires_sign_in
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def areas(user: User) -> list[tuple[str, str | None]] | None:
    """The (country, subdivision) pairs the user covers; None means everywhere (admin)."""
    if user.role == "admin":
        return None
    if user.embassy_id is None:
        return []
    from server.db import db

    rows = db.session.execute(
        EmbassyArea.__table__.select().where(EmbassyArea.embassy_id == user.embassy_id))
    return [(row.country, row.subdivision) for row in rows]


def covers(user: User, country: str, subdivision: str | None = None) -> bool:
    """Whether a place lies in the user's jurisdiction (country-level areas cover all of it)."""
    scope = areas(user)
    if scope is None:
        return True
    return any(c == country and (s is None or s == subdivision) for c, s in scope)


def mission_filter(user: User, embassy_column):
    """A SQL condition restricting rows to the user's mission (``embassy_column``): an admin's
    are all; a staff member without a mission has none (never ``embassy_id IS NULL``)."""
    if user.role == "admin":
        return true()
    if user.embassy_id is None:
        return false()
    return embassy_column == user.embassy_id


def one(query):
    """The row a scoped ``query`` selects, else NotFound: another mission's object is not
    found either, so that its existence stays unsaid."""
    found = db.session.scalar(query)
    if found is None:
        raise NotFound()
    return found


def place_filter(user: User, country_column, subdivision_column):
    """A SQL condition restricting rows to the user's jurisdiction (for set-based queries)."""
    scope = areas(user)
    if scope is None:
        return true()
    if not scope:
        return false()
    return or_(*(country_column == c if s is None
                 else and_(country_column == c, subdivision_column == s) for c, s in scope))
