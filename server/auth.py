"""Session loading, the 401 for anonymous callers and the CSRF cookie the apps echo back.

Cookie-authenticated writes need the ``X-CSRFToken`` header (Flask-WTF's CSRFProtect);
the token is handed to the apps in a readable, same-site ``csrf_token`` cookie.
"""
from __future__ import annotations

from functools import cache

import flask_login
from flask import Flask, Response, g, request, session
from flask_login import login_user, logout_user
from flask_smorest import abort
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select

from server.extensions import login_manager
from server.openapi import requires_sign_in

CSRF_COOKIE = "csrf_token"


@requires_sign_in
def login_required(view):
    """flask-login's ``login_required``, marked so the OpenAPI document says a session is
    needed (``server/openapi.py``)."""
    return requires_sign_in(flask_login.login_required(view))


@login_manager.user_loader
def load_user(session_id: str):
    from server.db import db

    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    return db.session.scalar(_user_by_session(), {"user_id": int(user_id), "token": token})


@cache
def _user_by_session():
    """Built once (every signed-in request runs it): the enabled user with this session token."""
    from server.accounts.models import User

    return select(User).where(User.id == bindparam("user_id"),
                              User.session_token == bindparam("token"),
                              User.disabled.is_(False))


def begin_session(user, *, remember: bool) -> None:
    """Sign ``user`` in on a fresh session: nothing from before sign-in carries over, the CSRF
    token included (a token seen by someone else before sign-in is worth nothing after)."""
    end_session()
    login_user(user, remember=remember)


def end_session() -> None:
    """Sign this browser out: the whole session goes, its CSRF token too (the response carries
    a new one), and the remember cookie is deleted."""
    session.clear()
    g.pop("csrf_token", None)
    logout_user()


@login_manager.unauthorized_handler
def unauthorized():
    abort(401)


def install(app: Flask) -> None:
    from server.staff import sessions

    app.before_request(sessions.check)  # staff sessions expire (idle and absolute)

    @app.after_request
    def set_csrf_cookie(response: Response) -> Response:
        if request.path.startswith("/api/") or request.path in ("/", "/console/"):
            response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Strict",
                                secure=app.config["SESSION_COOKIE_SECURE"], httponly=False)
        return response
