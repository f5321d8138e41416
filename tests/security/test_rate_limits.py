"""Rate limits: sign-in, sign-up, password change and the staff API refuse floods with a 429
in the standard shape and Retry-After; SOS never does."""
from __future__ import annotations

import pytest
from limits import parse_many
from sqlalchemy import func, select

from server import ratelimit
from server.config import Defaults
from server.db import db
from server.sos.models import SosCase
from tests.auth import TEST_PASSWORD, ApiClient
from tests.sos.helpers import sos_body


def _per_minute(setting: str) -> int:
    """The per-minute allowance of a real (default) limit setting."""
    return min(item.amount for item in parse_many(getattr(Defaults, setting))
               if item.GRANULARITY.name == "minute")


@pytest.fixture
def real_limits(app, monkeypatch):
    """The production limits (the suite raises sign-in and sign-up for its bulk tests)."""
    for name in ("RATELIMIT_SIGNIN", "RATELIMIT_SIGNUP", "RATELIMIT_SIGNUP_EMAIL",
                 "RATELIMIT_REAUTH",
                 "RATELIMIT_STAFF_WRITE", "RATELIMIT_STAFF_READ", "RATELIMIT_STAFF_SEARCH"):
        monkeypatch.setitem(app.config, name, getattr(Defaults, name))


def _assert_limited(response) -> None:
    assert response.status_code == 429, response.json
    assert response.json["code"] == 429 and response.json["status"] == "Too Many Requests"
    assert response.json["message"] == "Too many requests. Please wait and try again."
    assert 1 <= int(response.headers["Retry-After"]) <= 3600


def _fresh(app):
    app.test_client_class = ApiClient
    client = app.test_client()
    client.get("/api/config")
    return client


def test_sign_in_is_limited_per_address_and_shared_with_the_staff_sign_in(app, client, real_limits):
    allowed = _per_minute("RATELIMIT_SIGNIN")
    body = {"email": "nobody@example.org", "password": "wrong password here"}
    for n in range(allowed):  # a new email each time: under the sign-in throttle's lock
        assert client.post("/api/auth/login", json={**body, "email": f"n{n}@example.org"}
                           ).status_code == 401
    _assert_limited(client.post("/api/auth/login", json=body))
    # Another browser from the same address, and the staff door: the same counter.
    _assert_limited(_fresh(app).post("/api/staff/auth/login", json=body))
    # Another address is not affected.
    other = _fresh(app).post("/api/auth/login", json=body,
                             environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 401


def test_the_429_is_localized(client, real_limits, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNIN", "1 per minute")
    body = {"email": "nobody@example.org", "password": "wrong password here"}
    client.post("/api/auth/login", json=body)
    refused = client.post("/api/auth/login", json=body, headers={"Accept-Language": "zh-CN"})
    assert refused.status_code == 429
    assert refused.json["message"] != "Too many requests. Please wait and try again."


def test_sign_up_is_limited_per_address(app, real_limits):
    allowed = _per_minute("RATELIMIT_SIGNUP")
    statuses = []
    for n in range(allowed + 1):
        statuses.append(_fresh(app).post("/api/auth/signup", json={
            "email": f"flood{n}@example.org", "password": TEST_PASSWORD, "name": "Flood",
            "phone": "+8613800138000", "language": "en"}))
    assert [r.status_code for r in statuses[:allowed]] == [202] * allowed
    _assert_limited(statuses[-1])


def test_password_change_is_limited_per_account(client, auth, real_limits):
    auth.signup(client)
    allowed = _per_minute("RATELIMIT_REAUTH")
    wrong = {"current_password": "not my password", "new_password": "a new long password"}
    for _ in range(allowed):
        assert client.post("/api/me/password", json=wrong).status_code == 422
    _assert_limited(client.post("/api/me/password", json=wrong))


def test_staff_writes_and_searches_are_limited_per_account(app, auth, real_limits, monkeypatch):
    officer, _ = auth.staff("officer", "fr-paris")
    monkeypatch.setitem(app.config, "RATELIMIT_STAFF_WRITE", "3 per minute")
    for _ in range(3):
        assert officer.post("/api/staff/alerts", json={}).status_code == 422
    _assert_limited(officer.patch("/api/staff/sos/1", json={}))  # shared by every staff write
    assert officer.get("/api/staff/alerts").status_code == 200  # reads count apart
    allowed = _per_minute("RATELIMIT_STAFF_SEARCH")
    for _ in range(allowed):
        assert officer.get("/api/staff/travelers?q=li").status_code == 200
    _assert_limited(officer.get("/api/staff/travelers?q=li"))
    other, _ = auth.staff("officer", "fr-paris")  # a colleague at the same desk is not
    assert other.post("/api/staff/alerts", json={}).status_code == 422


def test_a_burst_of_fifty_sos_is_accepted_while_sign_in_is_limited(client, auth, app,
                                                                   real_limits, monkeypatch):
    auth.signup(client)
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNIN", "1 per minute")
    body = {"email": "nobody@example.org", "password": "wrong password here"}
    client.post("/api/auth/login", json=body)
    _assert_limited(client.post("/api/auth/login", json=body))
    statuses = [client.post("/api/sos", json=sos_body(message=f"help {n}")).status_code
                for n in range(50)]
    assert statuses == [201] * 50
    flagged = db.session.scalar(select(func.count()).select_from(SosCase).where(
        SosCase.flagged.is_(True)))
    assert flagged == 45  # accepted, and flagged for staff beyond five in ten minutes
    _assert_limited(client.post("/api/auth/login", json=body))


def test_counters_go_to_redis_when_scaled_out():
    assert ratelimit.storage_uri({}) == "memory://"
    assert ratelimit.storage_uri({"CELERY_BROKER_URL": "redis://cache:6379/0"}) == \
        "redis://cache:6379/0"
    assert ratelimit.storage_uri({"CELERY_BROKER_URL": "amqp://mq//"}) == "memory://"
    assert ratelimit.storage_uri({"RATELIMIT_STORAGE_URI": "redis://rl:6379/2",
                                  "CELERY_BROKER_URL": "redis://cache:6379/0"}) == \
        "redis://rl:6379/2"
