"""End to end, scaled out: an alert sent over HTTP to the web app is fanned out by a separate
Celery worker process through Redis, against PostgreSQL, to the local push service, which
decrypts every payload as a browser would."""
from __future__ import annotations

import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests

from server.broadcast.models import Delivery
from server.db import db
from server.devices.keys import public_key
from server.staff import services as staff
from tests.alerts.helpers import alert_body
from tests.auth import STAFF_PASSWORD, TEST_PASSWORD, secret_of, signup_link
from tests.conftest import leg, trip_body
from tests.fixtures.push import here
from tests.pushreceiver import PushReceiver, make_subscription
from tests.scaled.conftest import add_traveler

pytestmark = pytest.mark.scaled
DELIVERY_SECONDS = 20


class Browser(requests.Session):
    """An HTTP client that behaves like the apps: it echoes the CSRF cookie in a header."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.get("/api/config").raise_for_status()

    def request(self, method, url, *args, **kwargs):
        token = self.cookies.get("csrf_token")
        if token:
            kwargs.setdefault("headers", {})["X-CSRFToken"] = token
        kwargs.setdefault("timeout", 10)
        return super().request(method, self.base + url, *args, **kwargs)


def _sign_in_admin(base: str) -> Browser:
    import pyotp

    browser = Browser(base)
    body = {"email": "admin@example.org", "password": STAFF_PASSWORD}
    started = browser.post("/api/staff/auth/login", json=body).json()
    totp = pyotp.TOTP(secret_of(started["otpauth_uri"])).now()
    assert browser.post("/api/staff/auth/enrol", json={**body, "totp": totp}).ok
    return browser


def _states(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Delivery.state)))


def test_alert_fans_out_through_a_celery_worker_process_to_every_device(
        scaled_app, web_server, celery_worker):
    assert not scaled_app.extensions["celery_embedded"]  # a broker, no in-process worker
    with scaled_app.app_context():
        key = public_key()
    with PushReceiver(expected_vapid_public_key=key,
                      subject=scaled_app.config["VAPID_SUBJECT"]) as receiver:
        with scaled_app.app_context():
            staff.create_staff(email="admin@example.org", name="Admin", role="admin",
                               password=STAFF_PASSWORD)
            inside = []
            for languages in (["en"], ["zh_Hans", "en"], ["ar"], ["zh_Hans"]) * 6:
                inside += [(name, lang) for _, name, lang in
                           add_traveler(receiver, "FR", languages)]
            outside = [(name, lang) for _, name, lang in
                       add_traveler(receiver, "DE", ["en", "zh_Hans"])]
            db.session.commit()

        # One traveler the way the app does it: sign up, add a trip, subscribe.
        traveler = Browser(web_server)
        assert traveler.post("/api/auth/signup", json={
            "email": "li@example.org", "password": TEST_PASSWORD, "name": "Li Wei",
            "phone": "+8613800138000", "language": "zh_Hans"}).status_code == 202
        opened = traveler.get(signup_link(scaled_app, "li@example.org"), allow_redirects=False)
        assert opened.status_code == 302, opened.text
        assert traveler.post("/api/trips", json=trip_body(leg("FR", start=here()[4]))).ok
        subscription = make_subscription(receiver, "app-" + uuid.uuid4().hex[:8])
        assert traveler.post("/api/devices", json=subscription.as_json()).ok
        inside.append((subscription.name, "zh_Hans"))

        admin = _sign_in_admin(web_server)
        created = admin.post("/api/staff/alerts", json=alert_body(severity="Moderate"))
        assert created.status_code == 201, created.text
        sent = admin.post(f"/api/staff/alerts/{created.json()['id']}/send")
        assert sent.status_code == 202, sent.text

        deadline = time.monotonic() + DELIVERY_SECONDS
        while time.monotonic() < deadline:
            states = _states(scaled_app)
            if len(states) == len(inside) and "pending" not in states:
                break
            time.sleep(0.2)
        states = _states(scaled_app)
        assert states == ["sent"] * len(inside), celery_worker.output()[-3000:]

        assert receiver.rejections == []
        got = {r.name: r for r in receiver.received()}
        assert sorted(got) == sorted(name for name, _ in inside)
        assert not {name for name, _ in outside} & set(got)
        headlines = {"en": "Stay indoors", "zh_Hans": "请待在室内", "ar": "Stay indoors"}
        for name, language in inside:
            assert got[name].json["headline"] == headlines[language], (name, language)
        assert "broadcast.deliver_batch" in celery_worker.output()


def test_the_worker_processes_yield_the_cpu_to_the_web_tier(celery_worker):
    """WORKER_NICENESS (10 by default) on the main process and the pool it forked, and on the
    worker's session where the kernel groups by session: a fan-out does not hold back an SOS
    sharing the machine (bench/RESULTS.md section 3)."""
    worker = psutil.Process(celery_worker.process.pid)
    processes = [worker, *worker.children()]
    assert len(processes) == 3  # --concurrency 2
    assert [proc.nice() for proc in processes] == [10, 10, 10]
    autogroup = Path(f"/proc/{worker.pid}/autogroup")
    if autogroup.exists():
        assert autogroup.read_text().strip().endswith("nice 10")
