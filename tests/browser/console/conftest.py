"""The staff console in a real browser: its own live app (push allowed over plain HTTP to the
local receiver), staff accounts made per test, travelers with devices made through the API."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pyotp
import pytest

from tests.auth import ApiClient, sign_up
from tests.browser.conftest import running_app, serving
from tests.conftest import writing

STAFF_PASSWORD = "a long staff password"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def console_app(tmp_path_factory):
    with running_app(tmp_path_factory, "console") as app:
        app.test_client_class = ApiClient
        yield app


@pytest.fixture(scope="session")
def console_server(console_app):
    with serving(console_app) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(console_server):
    return console_server


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "device_scale_factor": 1,
            "has_touch": False, "is_mobile": False, "locale": "en-GB"}


@pytest.fixture
def make_staff(console_app):
    """Create a staff account (committed): returns its email. Each test uses fresh accounts,
    so a TOTP code is never reused within its 30-second window."""

    def _make(role="officer", embassy_key="fr-paris", name=None):
        from server.db import db
        from server.staff import services as staff

        email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
        with writing(console_app):
            staff.create_staff(email=email, name=name or f"{role.title()} {email[:6]}", role=role,
                               password=STAFF_PASSWORD, embassy_key=embassy_key)
            db.session.commit()
        return email

    return _make


class Console:
    """Drives the console the way a duty officer does."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path="/console/"):
        self.page.goto(path)
        self.page.wait_for_selector("html[data-ready]")

    def sign_in(self, email, password=STAFF_PASSWORD):
        """First sign-in: password, then enrol the authenticator from the QR code's secret."""
        page = self.page
        self.open("/console/#/login")
        page.fill('#login-form [data-path="email"]', email)
        page.fill('#login-form [data-path="password"]', password)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#enrol-qr")
        secret = page.text_content("#enrol-secret").strip()
        page.fill('#enrol-form [data-path="totp"]', pyotp.TOTP(secret).now())
        page.click("#enrol-form button[type=submit]")
        page.wait_for_selector("#nav:not([hidden])")
        page.wait_for_selector("section.alerts")
        self.live()
        return secret

    def arabic(self):
        """Switch the console to Arabic (right to left) and wait for its stream again."""
        page = self.page
        page.evaluate("() => localStorage.setItem('compatriot.language', 'ar')")
        page.reload()
        page.wait_for_selector("html[dir='rtl']")
        self.live()

    def live(self):
        """Wait for the live stream: it carries what happens from the moment it opens."""
        self.page.wait_for_function("() => document.documentElement.dataset.live === 'open'")


@pytest.fixture
def console(page):
    return Console(page)


def traveler_with_device(app, receiver, name, country="FR", city="Paris", person="Li Wei"):
    """A traveler (through the API, as the PWA does) with a current trip and a push device."""
    from tests.pushreceiver import make_subscription

    client = app.test_client()
    client.get("/api/config")
    email = f"traveler-{uuid.uuid4().hex[:8]}@example.org"
    sign_up(client, {"email": email, "password": "correct horse battery", "name": person,
                     "phone": "+8613800138000", "language": "en"})
    today = date.today()
    trip = client.post("/api/trips", json={
        "purpose": "tourism",
        "legs": [{"country": country, "city": city,
                  "start_date": (today - timedelta(days=1)).isoformat(),
                  "end_date": (today + timedelta(days=7)).isoformat()}],
        "emergency_contact": {"name": "Wang Fang", "phone": "+8613900139000"}})
    assert trip.status_code == 201, trip.json
    subscription = make_subscription(receiver, name)
    device = client.post("/api/devices", json={**subscription.as_json(), "language": "en"})
    assert device.status_code in (200, 201), device.json
    return client, trip.json


def sos_case_id(app, *, client_uuid=None, email=None) -> int:
    """The id of an SOS case, by the phone's client_uuid or the traveler's email (their newest
    case): a test then works on its own case, whatever earlier tests (or an earlier attempt
    of the same test) left open in the shared console app."""
    from sqlalchemy import select

    from server.accounts.models import User
    from server.db import db
    from server.sos.models import SosCase

    query = select(SosCase.id).order_by(SosCase.id.desc()).limit(1)
    if client_uuid is not None:
        query = query.where(SosCase.client_uuid == str(client_uuid))
    if email is not None:
        query = query.join(User, User.id == SosCase.user_id).where(User.email == email)
    with app.app_context():
        found = db.session.scalar(query)
        db.session.remove()
    assert found is not None, (client_uuid, email)
    return found
