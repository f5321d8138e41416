"""Traveler accounts: sign-up, sessions, profile, password, export, deletion."""
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from server.accounts.models import User
from server.db import db
from tests.auth import TEST_PASSWORD, signup_link


def test_signup_stores_phone_as_e164_and_signs_in(client, auth):
    user = auth.signup(client, email="Wei@Example.org", phone="138 0013 8000")
    assert user["phone"] == "+8613800138000"  # read as a home-country (CN) number
    assert user["email"] == "wei@example.org"
    assert client.get("/api/me").json["id"] == user["id"]


def test_password_is_hashed_with_argon2(client, auth):
    auth.signup(client, email="hash@example.org")
    stored = db.session.scalar(select(User.password_hash).where(User.email == "hash@example.org"))
    assert stored.startswith("$argon2id$") and TEST_PASSWORD not in stored


def test_signup_refuses_bad_fields_with_field_errors(client):
    response = client.post("/api/auth/signup", json={
        "email": "not-an-email", "password": "short", "name": "", "phone": "12",
        "language": "xx", "extra": 1})
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"email", "password", "name", "phone", "language", "extra"}
    assert all(isinstance(messages, list) for messages in errors.values())
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


GUESSABLE = ("aaaaaaaaaa", "1234567890", "password12", "abcdefghij", "qwertyuiop", "")


@pytest.mark.parametrize("password", GUESSABLE)
def test_common_repeated_and_sequential_passwords_are_refused(client, password):
    response = client.post("/api/auth/signup", json={
        "email": "weak@example.org", "password": password, "name": "W",
        "phone": "+8613800138005"}, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"password"}
    assert any("容易被猜到" in message for message in response.json["errors"]["json"]["password"])
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_new_password_must_not_be_guessable_either(client, auth):
    auth.signup(client)
    response = client.post("/api/me/password", json={"current_password": TEST_PASSWORD,
                                                     "new_password": "password12"})
    assert response.status_code == 422
    assert "easy to guess" in response.json["errors"]["json"]["new_password"][0]


def test_login_logout_and_wrong_password(client, auth):
    other_client = auth.client()
    auth.signup(client, email="login@example.org")
    bad = other_client.post("/api/auth/login", json={"email": "login@example.org",
                                                     "password": "wrong password!"})
    assert bad.status_code == 401
    unknown = other_client.post("/api/auth/login", json={"email": "nobody@example.org",
                                                         "password": "wrong password!"})
    assert unknown.status_code == 401 and unknown.json["message"] == bad.json["message"]
    ok = other_client.post("/api/auth/login", json={"email": "LOGIN@example.org",
                                                    "password": TEST_PASSWORD})
    assert ok.status_code == 200
    assert other_client.post("/api/auth/logout").status_code == 204
    assert other_client.get("/api/me").status_code == 401


def _login(client, email, password=TEST_PASSWORD):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def _copy(client, name):
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    return cookie.value


def test_sign_out_ends_the_session_and_the_remember_cookie_everywhere(app, client, auth):
    auth.signup(client, email="leaving@example.org")
    assert _login(client, "leaving@example.org").status_code == 200
    session, remember = _copy(client, "compatriot_session"), _copy(client, "remember_token")
    assert client.post("/api/auth/logout").status_code == 204
    for name, value in (("compatriot_session", session), ("remember_token", remember)):
        thief = auth.client()
        thief.set_cookie(name, value)
        assert thief.get("/api/me").status_code == 401, name


def _signed_up_by_link(client, email):
    """Sign up and open the link: the link's answer (it signs the browser in)."""
    assert client.post("/api/auth/signup", json={
        "email": email, "password": TEST_PASSWORD, "name": "R",
        "phone": "+8613800138004"}).status_code == 202
    return client.get(signup_link(client.application, email))


def test_remember_me_lasts_thirty_days(client):
    response = _signed_up_by_link(client, "remember@example.org")
    remember = next(c for c in response.headers.getlist("Set-Cookie")
                    if c.startswith("remember_token="))
    expires = parsedate_to_datetime(remember.split("Expires=")[1].split(";")[0])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)


def test_the_csrf_token_changes_at_sign_in_and_sign_out(client, auth):
    auth.signup(client, email="token@example.org")
    client.post("/api/auth/logout")
    before = _copy(client, "csrf_token")
    assert _login(client, "token@example.org").status_code == 200
    signed_in = _copy(client, "csrf_token")
    assert signed_in != before
    assert client.patch("/api/me", json={"name": "New"}, headers={"X-CSRFToken": before}
                        ).status_code == 400  # the token from before sign-in is dead
    assert client.patch("/api/me", json={"name": "New"}).status_code == 200
    assert client.post("/api/auth/logout").status_code == 204
    assert _copy(client, "csrf_token") != signed_in


def test_session_cookie_is_httponly_and_samesite(client):
    response = _signed_up_by_link(client, "cookie@example.org")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("compatriot_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


def test_cookie_authenticated_write_without_csrf_token_is_refused(app, auth):
    from flask.testing import FlaskClient

    app.test_client_class = FlaskClient
    raw = app.test_client()
    raw.get("/api/config")
    response = raw.post("/api/auth/signup", json={
        "email": "csrf@example.org", "password": TEST_PASSWORD, "name": "C",
        "phone": "+8613800138003"})
    assert response.status_code == 400
    assert "X-CSRFToken" in response.json["errors"]["headers"]


def test_profile_update_and_validation(client, auth):
    auth.signup(client)
    assert client.get("/api/me").json["email_all_alerts"] is False
    response = client.patch("/api/me", json={"name": "Li Na", "language": "zh_Hant",
                                             "location_consent": True, "email_all_alerts": True})
    assert response.status_code == 200
    assert response.json["language"] == "zh_Hant" and response.json["location_consent"] is True
    assert response.json["email_all_alerts"] is True
    bad = client.patch("/api/me", json={"phone": "abc", "role": "admin",
                                        "email_all_alerts": "sometimes"})
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"phone", "role", "email_all_alerts"}
    assert client.get("/api/me").json["role"] == "traveler"


def test_password_change_signs_out_other_sessions(client, auth):
    other_client = auth.client()
    user = auth.signup(client, email="pw@example.org")
    other_client.post("/api/auth/login", json={"email": user["email"], "password": TEST_PASSWORD})
    wrong = client.post("/api/me/password", json={"current_password": "nope nope nope",
                                                   "new_password": "another good password"})
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]["json"]
    ok = client.post("/api/me/password", json={"current_password": TEST_PASSWORD,
                                                "new_password": "another good password"})
    assert ok.status_code == 204
    assert client.get("/api/me").status_code == 200
    assert other_client.get("/api/me").status_code == 401


def test_export_contains_profile_and_trips(client, auth, create_trip):
    auth.signup(client)
    create_trip(client)
    response = client.get("/api/me/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.json["profile"]["email"].endswith("@example.org")
    assert len(response.json["trips"]) == 1


def test_delete_account_removes_everything(client, auth, create_trip):
    from server.trips.models import Companion, Leg, Trip

    auth.signup(client, email="gone@example.org")
    create_trip(client, companions=[{"name": "Li Ming", "relationship": "child"}])
    wrong = client.delete("/api/me", json={"password": "wrong password"})
    assert wrong.status_code == 422
    assert client.delete("/api/me", json={"password": TEST_PASSWORD}).status_code == 204
    assert client.get("/api/me").status_code == 401
    for model in (User, Trip, Leg, Companion):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
