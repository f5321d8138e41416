"""Browser tests: a live server in a thread and Debian's Chromium driven by Playwright.

The live app has its own SQLite file and really commits (the browser makes many requests);
it does not use the root conftest's rolled-back ``app`` fixture. It stays on SQLite even when
TEST_DATABASE_URL is set: these tests are about the browser, the database suite runs elsewhere.
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_test_app, stop_background

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 780}

pytestmark = pytest.mark.browser


def pytest_terminal_summary(terminalreporter):
    """Why each rerun test failed the first time: ``-rR`` names them only, and a browser test
    that passes on its rerun is a race worth finding."""
    reruns = terminalreporter.stats.get("rerun", [])
    if reruns:
        terminalreporter.section("first attempts of the rerun tests")
    for report in reruns:
        terminalreporter.write_line(f"{report.nodeid} ({report.when}):")
        terminalreporter.write_line(report.longreprtext[-3000:])


def pytest_collection_modifyitems(items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"{CHROMIUM} missing: run `make chromium`")
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(skip)


@contextmanager
def running_app(tmp_path_factory, name: str):
    """A live app on its own SQLite file, migrated and holding the sample missions; its
    in-process Celery worker and beat are stopped afterwards (a beat left running would go on
    sending the sweep every minute for the rest of the suite). Push subscriptions the tests
    make point at a local receiver over plain HTTP."""
    db_file = tmp_path_factory.mktemp(f"{name}-db") / f"{name}.db"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}",
                        WTF_CSRF_ENABLED=True, PUSH_ALLOW_HTTP=True, PUSH_SERVICE_HOSTS=())
    from flask_migrate import upgrade

    from server.db import db
    from server.embassies import services

    with app.app_context():
        upgrade(revision="heads")
        missions, errors = services.validate_rows(services.read_rows(services.SAMPLE_FILE))
        assert not errors, errors
        services.upsert_missions(missions, is_sample=True)
        db.session.commit()
    try:
        yield app
    finally:
        stop_background(app)


@contextmanager
def serving(app):
    """Serve ``app`` from a thread on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    with running_app(tmp_path_factory, "browser") as app:
        yield app


@pytest.fixture(scope="session")
def live_server(live_app):
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync"]}


@pytest.fixture
def browser_context_args(browser_context_args, base_url):
    # pytest-playwright's own browser_context_args is session-scoped and keeps the first
    # base_url it saw; another live app (tests/browser/console) must not leak into these tests.
    return {**browser_context_args, "base_url": base_url, "viewport": PHONE,
            "device_scale_factor": 1,
            "has_touch": True, "is_mobile": True, "locale": "en-GB"}


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


SIGNUP_LINK = r"https?://\S+/api/auth/signup/confirm\?\S+"
RESET_LINK = r"https?://\S+/#/reset\?token=\S+"


def mailed_link(page, app, address, pattern):
    """The newest link matching ``pattern`` in a mail to ``address``, read from the ``.eml``
    files the live app wrote under its instance folder (``instance/mail/``, the embedded
    outbox), as its path: the page opens it on the live server. The app's worker writes the
    file just after the request: wait for it."""
    from server.mail.transport import FileOutbox

    outbox = FileOutbox(Path(app.instance_path) / "mail")
    for _attempt in range(100):
        for listed in reversed(outbox.messages()):
            if listed["to"] == address or listed["to"].endswith(f"<{address}>"):
                text = outbox.read(listed["file"]).get_body(("plain",)).get_content()
                found = re.search(pattern, text)
                if found:
                    return re.sub(r"^https?://[^/]+", "", found.group(0))
        page.wait_for_timeout(100)
    raise AssertionError(f"no link mailed to {address}")


class Traveler:
    """Drives the app the way a traveler does (sign up, add a trip...)."""

    counter = 0

    def __init__(self, page, app):
        self.page = page
        self.app = app  # the live app serving the page: its outbox holds the mails

    def open(self, path="/"):
        self.page.goto(path)
        self.page.wait_for_selector("html[data-ready]")

    def sign_up(self, name="Li Wei", phone="+8613800138000"):
        Traveler.counter += 1
        page = self.page
        page.goto("/#/signup")
        page.wait_for_selector("html[data-ready]")
        self.email = f"traveler{Traveler.counter}@example.org"
        page.fill('[data-path="email"]', self.email)
        page.fill('[data-path="password"]', "correct horse battery")
        page.fill('[data-path="name"]', name)
        page.fill('[data-path="phone"]', phone)
        page.click("form button[type=submit]")
        page.wait_for_selector("#check-inbox")
        self.confirm()

    def confirm(self):
        """Open the sign-up link from the mail: the account is made, this browser signed in."""
        page = self.page
        page.goto(mailed_link(page, self.app, self.email, SIGNUP_LINK))
        page.wait_for_selector("html[data-ready]")
        page.wait_for_function("() => location.hash === '#/trips'")
        page.wait_for_selector("#trip-list, .notice", state="attached")

    def add_trip(self, country="FR", city="Paris", start=None, days=14):
        start = start or date.today() + timedelta(days=1)
        end = start + timedelta(days=days)
        page = self.page
        page.goto("/#/trips/new")
        page.wait_for_selector('[data-path="legs.0.country"]')
        page.select_option('[data-path="legs.0.country"]', country)
        page.fill('[data-path="legs.0.city"]', city)
        page.fill('[data-path="legs.0.start_date"]', start.isoformat())
        page.fill('[data-path="legs.0.end_date"]', end.isoformat())
        page.fill('[data-path="emergency_contact.name"]', "Wang Fang")
        page.fill('[data-path="emergency_contact.phone"]', "+8613900139000")
        page.click("form button[type=submit]")
        page.wait_for_function("() => /^#\\/trips\\/\\d+$/.test(location.hash)")
        page.wait_for_selector(".mission")

    def wait_for_service_worker(self):
        """Until the worker controls the page and holds the offline copy of who I am."""
        self.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        self.page.wait_for_function(
            "() => caches.open('compatriot-api').then((c) => Promise.all(["
            "c.match('/api/me'), c.match('/api/places/countries')])).then((r) => r.every(Boolean))")


@pytest.fixture
def traveler(page, live_app):
    return Traveler(page, live_app)
