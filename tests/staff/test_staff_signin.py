"""Staff sign-in: TOTP enrolment, codes used once, back-off, and the two doors kept apart."""
import json
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from server import live
from server.accounts import services as accounts
from server.accounts import throttle
from server.audit.models import AuditEvent
from server.db import db, utcnow
from server.staff import services as staff
from tests.auth import STAFF_PASSWORD, TEST_PASSWORD, enrol, secret_of


@pytest.fixture
def clock(monkeypatch):
    """The sign-in clock, frozen for the server and the test's authenticator alike; move it
    with ``clock.move(seconds)``. (An authenticator on the real clock could enrol with the
    next step's code when a step ends during the test, and that step's code is then used.)"""

    class Clock:
        at = utcnow()

        def move(self, seconds):
            self.at += timedelta(seconds=seconds)

    frozen = Clock()
    monkeypatch.setattr(throttle, "now", lambda: frozen.at)
    monkeypatch.setattr(pyotp.TOTP, "now", lambda totp: totp.at(frozen.at))
    return frozen


@pytest.fixture
def officer(create_mission):
    create_mission("fr-paris", "FR", ["FR"])
    return staff.create_staff(email="duty@example.org", name="Duty Officer", role="officer",
                              password=STAFF_PASSWORD, embassy_key="fr-paris")


ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}


def _login(client, totp=None, password=STAFF_PASSWORD, email="duty@example.org", source=None):
    body = {"email": email, "password": password}
    if totp is not None:
        body["totp"] = totp
    return client.post("/api/staff/auth/login", json=body, environ_base=source or {})


def _code(secret, clock, steps=0):
    return pyotp.TOTP(secret).at(clock.at + timedelta(seconds=30 * steps))


def _actions(user_id):
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "users", AuditEvent.target_id == str(user_id))
        .order_by(AuditEvent.id)).all()


def test_first_sign_in_enrols_an_authenticator_with_a_local_qr_code(client, officer, clock):
    started = _login(client)
    assert started.status_code == 200, started.json
    body = started.json
    assert body["enrolment_required"] is True and "role" not in body
    assert body["otpauth_uri"].startswith("otpauth://totp/Compatriot:duty%40example.org?")
    assert body["qr_svg"].startswith("data:image/svg+xml")
    secret = secret_of(body["otpauth_uri"])
    assert secret == body["secret"]
    # Pending, not active: no session yet, and the secret cannot be used to sign in.
    assert client.get("/api/staff/me").status_code == 401
    db.session.refresh(officer)
    assert officer.totp_secret is None and officer.totp_pending_secret == secret

    done = client.post("/api/staff/auth/enrol", json={
        "email": "duty@example.org", "password": STAFF_PASSWORD, "totp": _code(secret, clock)})
    assert done.status_code == 200, done.json
    assert done.json["enrolment_required"] is False and done.json["role"] == "officer"
    assert done.json["embassy"]["key"] == "fr-paris" and done.json["jurisdiction"] == ["FR"]
    me = client.get("/api/staff/me")
    assert me.status_code == 200 and me.json["email"] == "duty@example.org"
    db.session.refresh(officer)
    assert officer.totp_secret == secret and officer.totp_pending_secret is None
    assert _actions(officer.id) == ["staff.create", "staff.totp_enrol", "staff.sign_in"]


def test_each_enrolment_attempt_gets_a_new_secret_and_only_the_latest_works(client, officer, clock):
    first = secret_of(_login(client).json["otpauth_uri"])
    second = secret_of(_login(client).json["otpauth_uri"])
    assert first != second
    stale = client.post("/api/staff/auth/enrol", json={
        "email": "duty@example.org", "password": STAFF_PASSWORD, "totp": _code(first, clock)})
    assert stale.status_code == 401 and "totp" in stale.json["errors"]["json"]


def test_enrolment_needs_the_password_and_cannot_replace_an_active_authenticator(
        client, auth, officer, clock):
    other_client = auth.client()
    secret = secret_of(_login(client).json["otpauth_uri"])
    wrong = client.post("/api/staff/auth/enrol", json={
        "email": "duty@example.org", "password": "not the password", "totp": _code(secret, clock)})
    assert wrong.status_code == 401
    enrol(client, "duty@example.org")
    again = other_client.post("/api/staff/auth/enrol", json={
        "email": "duty@example.org", "password": STAFF_PASSWORD, "totp": "123456"})
    assert again.status_code == 409
    # And signing in no longer offers a QR code: it asks for the code.
    asked = _login(other_client)
    assert asked.status_code == 401 and "totp" in asked.json["errors"]["json"]
    assert "otpauth_uri" not in asked.json


def test_enrolled_staff_sign_in_with_password_and_current_code(client, auth, officer, clock):
    other_client = auth.client()
    secret = enrol(client, "duty@example.org")
    clock.move(30)
    missing = _login(other_client)
    assert missing.status_code == 401 and "totp" in missing.json["errors"]["json"]
    bad = _login(other_client, totp="000000" if _code(secret, clock) != "000000" else "111111")
    assert bad.status_code == 401 and "totp" in bad.json["errors"]["json"]
    ok = _login(other_client, totp=_code(secret, clock))
    assert ok.status_code == 200, ok.json
    assert ok.json["enrolment_required"] is False and ok.json["idle_expires_at"]
    assert "staff.sign_in_failed" in _actions(officer.id)
    assert other_client.get_cookie("remember_token") is None  # remember=False for staff


def test_a_code_is_refused_the_second_time(client, auth, officer, clock):
    other_client = auth.client()
    secret = enrol(client, "duty@example.org")
    clock.move(60)
    code = _code(secret, clock)
    assert _login(other_client, totp=code).status_code == 200
    replay = _login(client, totp=code)
    assert replay.status_code == 401 and "totp" in replay.json["errors"]["json"]
    # An older code of the window is refused too; the next one works.
    assert _login(client, totp=_code(secret, clock, -1)).status_code == 401
    assert _login(client, totp=_code(secret, clock, 1)).status_code == 200


def test_failures_back_off_per_address_and_reset_on_success(client, officer, clock):
    secret = enrol(client, "duty@example.org")
    for _ in range(5):
        assert _login(client, password="wrong password").status_code == 401
    locked = _login(client, totp=_code(secret, clock, 1))  # right password and code
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "60"
    wrong_while_locked = _login(client, password="wrong password")
    assert wrong_while_locked.status_code == 429
    assert wrong_while_locked.json["message"] == locked.json["message"]

    clock.move(61)
    assert _login(client, password="wrong password").status_code == 401  # 6th: two minutes
    assert _login(client).headers["Retry-After"] == "120"
    clock.move(121)
    assert _login(client, password="wrong password").status_code == 401  # 7th: four minutes
    assert _login(client).headers["Retry-After"] == "240"

    clock.move(241)
    assert _login(client, totp=_code(secret, clock)).status_code == 200
    assert _login(client, password="wrong password").status_code == 401  # counting anew


def test_an_attacker_locks_only_their_own_address_out(client, auth, officer, clock):
    other_client = auth.client()
    secret = enrol(client, "duty@example.org")
    for _ in range(5):
        assert _login(other_client, password="wrong password", source=ATTACKER
                      ).status_code == 401
    assert _login(other_client, password="wrong password", source=ATTACKER).status_code == 429
    clock.move(30)
    # The officer, from their own address, with the right password and code: in.
    assert _login(client, totp=_code(secret, clock)).status_code == 200
    assert _login(other_client, totp=_code(secret, clock, 1), source=ATTACKER
                  ).status_code == 429
    assert _actions(officer.id).count("staff.login_throttled") == 1


def test_a_staff_lockout_reaches_the_admins_consoles_at_once(app, client, auth, officer, clock):
    """The live event has no mission, so only admins' streams carry it (server/live)."""
    other_client = auth.client()
    enrol(client, "duty@example.org")
    start = max([event["id"] for event in live.hub().since(0)], default=0)
    for _ in range(6):
        _login(other_client, password="wrong password", source=ATTACKER)
    events = [event for event in live.hub().since(start)
              if event["type"] == "security.sign_in_throttled"]
    assert len(events) == 1 and events[0]["embassy_id"] is None
    assert json.loads(events[0]["data"]) == {"staff": officer.id, "lane": "source",
                                             "failures": 5, "embassy_id": None}


def _spread_attack(client, email, times=50):
    """Wrong passwords from ``times`` addresses, a few from each: under every address's lock."""
    for n in range(times):
        source = {"REMOTE_ADDR": f"198.51.100.{n // 2}"}
        assert _login(client, password=f"guess {n}", email=email, source=source
                      ).status_code == 401


def test_an_attack_from_many_addresses_leaves_only_password_and_code(client, auth, officer, clock):
    other_client = auth.client()
    secret = enrol(client, "duty@example.org")
    clock.move(30)
    _spread_attack(other_client, "duty@example.org")
    fresh = {"REMOTE_ADDR": "192.0.2.200"}
    # Guarded: the password alone tells nothing, right or wrong.
    right_alone = _login(other_client, source=fresh)
    wrong_alone = _login(other_client, password="guess 51", source=fresh)
    assert right_alone.status_code == wrong_alone.status_code == 401
    assert right_alone.json == wrong_alone.json and "totp" in right_alone.json["errors"]["json"]
    wrong_with_code = _login(other_client, password="guess 52", totp=_code(secret, clock),
                             source=fresh)
    assert wrong_with_code.status_code == 401 and "totp" in wrong_with_code.json["errors"]["json"]
    # The officer, with both, still gets in.
    assert _login(client, totp=_code(secret, clock)).status_code == 200
    assert "staff.login_throttled" in _actions(officer.id)


def test_wrong_codes_lock_the_account_from_everywhere(client, auth, officer, clock):
    """Only someone with the password gets this far: the code must not be guessed."""
    other_client = auth.client()
    secret = enrol(client, "duty@example.org")
    clock.move(30)
    wrong = "000000" if _code(secret, clock) != "000000" else "111111"
    for n in range(5):
        assert _login(other_client, totp=wrong, source={"REMOTE_ADDR": f"198.51.100.{n}"}
                      ).status_code == 401
    assert _login(client, totp=_code(secret, clock)).status_code == 429
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.login_throttled")).all()
    assert [event.details["lane"] for event in events] == ["code"]


def test_the_lock_is_capped(app, officer):
    assert throttle.lock_seconds(4, 5) == 0
    assert throttle.lock_seconds(5, 5) == 60 and throttle.lock_seconds(7, 5) == 240
    assert throttle.lock_seconds(50, 5) == app.config["LOGIN_LOCK_MAX_SECONDS"]


def _traveler_login(client, password=TEST_PASSWORD, email="walker@example.org", source=None):
    return client.post("/api/auth/login", json={"email": email, "password": password},
                       environ_base=source or {})


def test_travelers_are_throttled_per_address_too(client, auth, clock):
    other_client = auth.client()
    user = auth.signup(client, email="walker@example.org")
    client.post("/api/auth/logout")
    for _ in range(5):
        assert _traveler_login(other_client, "wrong password", source=ATTACKER
                               ).status_code == 401
    locked = _traveler_login(other_client, source=ATTACKER)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) == 60
    ok = _traveler_login(client)  # the traveler, from their own address
    assert ok.status_code == 200 and ok.json["id"] == user["id"]
    clock.move(60)
    assert _traveler_login(other_client, source=ATTACKER).status_code == 200


def test_a_guarded_traveler_account_lets_in_only_a_browser_that_signed_in_before(
        app, client, auth, clock):
    auth.signup(client, email="walker@example.org")
    client.post("/api/auth/logout")
    for n in range(50):
        assert _traveler_login(auth.client(), f"guess {n}",
                               source={"REMOTE_ADDR": f"198.51.100.{n // 2}"}).status_code == 401
    assert _traveler_login(auth.client()).status_code == 429  # a new browser, right password
    assert _traveler_login(client).status_code == 200  # the traveler's own phone
    assert "account.login_throttled" in db.session.scalars(select(AuditEvent.action)).all()


def test_unknown_emails_are_throttled_and_hashed_alike(client, auth, monkeypatch):
    auth.signup(client, email="walker@example.org")
    client.post("/api/auth/logout")
    hashed = []
    real = accounts.password_matches
    monkeypatch.setattr(accounts, "password_matches",
                        lambda user, password: hashed.append(user) or real(user, password))
    answers = {}
    for email in ("walker@example.org", "nobody@example.org"):
        answers[email] = [_traveler_login(client, "wrong password", email).status_code
                          for _ in range(6)]
    assert answers["walker@example.org"] == answers["nobody@example.org"] == [401] * 5 + [429]
    assert len(hashed) == 10  # five each: a real hash or the dummy one, never a shortcut


def test_a_traveler_cannot_sign_in_on_the_console_and_it_looks_like_a_wrong_password(
        client, auth, officer):
    other_client = auth.client()
    auth.signup(client, email="walker@example.org")
    traveler = _login(other_client, email="walker@example.org", password=TEST_PASSWORD)
    wrong = _login(other_client, password="wrong password")
    unknown = _login(other_client, email="nobody@example.org")
    assert traveler.status_code == wrong.status_code == unknown.status_code == 401
    assert traveler.json == wrong.json == unknown.json
    assert other_client.get("/api/staff/me").status_code == 401


def test_staff_cannot_use_the_traveler_sign_in(client, officer):
    response = client.post("/api/auth/login", json={"email": "duty@example.org",
                                                    "password": STAFF_PASSWORD})
    assert response.status_code == 403 and "/console/" in response.json["message"]
    assert client.get("/api/staff/me").status_code == 401
    assert client.get("/api/me").status_code == 401
    wrong = client.post("/api/auth/login", json={"email": "duty@example.org",
                                                 "password": "wrong password"})
    assert wrong.status_code == 401  # the role is only told to someone with the password


def test_sign_out_ends_every_copy_of_the_session(client, officer):
    before = client.get_cookie("csrf_token").value
    enrol(client, "duty@example.org")
    copy = client.get_cookie("compatriot_session").value
    signed_in = client.get_cookie("csrf_token").value
    assert signed_in != before  # a new CSRF token at sign-in and at sign-out
    assert client.post("/api/staff/auth/logout").status_code == 204
    assert client.get_cookie("csrf_token").value != signed_in
    assert client.get("/api/staff/me").status_code == 401
    client.set_cookie("compatriot_session", copy)
    assert client.get("/api/staff/me").status_code == 401
    assert _actions(officer.id)[-1] == "staff.sign_out"


def test_a_disabled_account_cannot_sign_in(client, officer, clock):
    secret = enrol(client, "duty@example.org")
    officer.disabled = True
    db.session.flush()
    assert client.get("/api/staff/me").status_code == 401
    refused = _login(client, totp=_code(secret, clock, 1))
    assert refused.status_code == 401 and "totp" not in (refused.json.get("errors") or {})
