"""Signed-in test clients, for travelers and staff alike (flaskr's ``AuthActions``).

The ``auth`` fixture (tests/conftest.py) is an ``Auth`` of the session app; live apps build
their own: ``Auth(live).client()``.
"""
from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse, urlsplit

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select

from server.db import db
from server.embassies.models import Embassy
from server.staff import services as staff

TEST_PASSWORD = "correct horse battery"
STAFF_PASSWORD = "a long staff password"


class ApiClient(FlaskClient):
    """A test client that behaves like the apps: it echoes the CSRF cookie in a header.

    Each request gets a fresh app context (its own ``g`` and database session), as in
    production, instead of reusing the test's context.
    """

    def open(self, *args, **kwargs):
        cookie = self.get_cookie("csrf_token")
        if cookie is not None:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", cookie.value)
            kwargs["headers"] = headers
        with self.application.app_context():
            return super().open(*args, **kwargs)


def signup_link(app, email):
    """The path of the link mailed for ``email``'s pending sign-up (as if read from the mail)."""
    from server.accounts import signup as signing_up
    from server.accounts.models import PendingSignup

    with app.test_request_context():
        pending = db.session.scalar(select(PendingSignup).where(
            PendingSignup.email == email.strip().lower()))
        assert pending is not None, f"no pending sign-up for {email}"
        parts = urlsplit(signing_up.link(pending))
    return f"{parts.path}?{parts.query}"


def complete_signup(client, email):
    """Open ``email``'s sign-up link with ``client``: the account is created and the client
    signed in. Returns the user's JSON."""
    opened = client.get(signup_link(client.application, email))
    assert opened.status_code == 302, opened.text
    return client.get("/api/me").json


def sign_up(client, body):
    """POST the sign-up, then open its link: the client ends signed in (the user's JSON)."""
    response = client.post("/api/auth/signup", json=body)
    assert response.status_code == 202, response.json
    return complete_signup(client, body["email"])


def secret_of(otpauth_uri: str) -> str:
    return parse_qs(urlparse(otpauth_uri).query)["secret"][0]


def enrol(client, email: str, password: str = STAFF_PASSWORD) -> str:
    """First sign-in of a staff account: scan the QR code, confirm a code. Returns the secret."""
    started = client.post("/api/staff/auth/login", json={"email": email, "password": password})
    assert started.status_code == 200 and started.json["enrolment_required"], started.json
    secret = secret_of(started.json["otpauth_uri"])
    done = client.post("/api/staff/auth/enrol", json={
        "email": email, "password": password, "totp": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.json
    return secret


class Auth:
    """New browsers on ``app``, signed in the way each kind of user signs in.

    ``create_mission`` (the fixture) lets ``staff`` create a missing mission.
    """

    def __init__(self, app, create_mission=None):
        self.app, self._create_mission = app, create_mission
        self._travelers = iter(range(1, 10_000))

    def client(self) -> ApiClient:
        """A new browser, nobody signed in; it has the CSRF cookie, as the apps on start."""
        self.app.test_client_class = ApiClient
        client = self.app.test_client()
        client.get("/api/config")
        return client

    def traveler(self, user) -> ApiClient:
        """A new browser signed in as ``user`` (made directly in the database)."""
        self.app.test_client_class = ApiClient
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        client.get("/api/config")
        return client

    def signup(self, client, email=None, **fields) -> dict:
        """Sign ``client`` up as a new traveler through the mailed link: it ends signed in.
        Returns the user's JSON."""
        body = {"email": email or f"traveler{next(self._travelers)}@example.org",
                "password": TEST_PASSWORD, "name": "Li Wei", "phone": "+8613800138000",
                "language": "en", **fields}
        return sign_up(client, body)

    def staff(self, role="officer", mission=None, *, client=None, email=None):
        """A new staff member of ``mission`` (a key; created when missing, its jurisdiction
        the country of the key's first two letters) and ``client`` (a new one when None)
        signed in as them through the real TOTP enrolment: (client, user)."""
        if mission and db.session.scalar(select(Embassy).where(Embassy.key == mission)) is None:
            country = mission[:2].upper()
            self._create_mission(mission, country, (country,))
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
        user = staff.create_staff(email=email, name=f"{role.title()} Staff", role=role,
                                  password=STAFF_PASSWORD, embassy_key=mission)
        client = client or self.client()
        enrol(client, email)
        return client, user
