"""Staff passwords are set by an admin, never reset by email: the forgot-password flow ignores
staff accounts; an admin's new password ends the member's sessions and keeps their TOTP."""
from datetime import timedelta

import pyotp
from sqlalchemy import select

from server.accounts.models import User
from server.audit.models import AuditEvent
from server.db import db, utcnow
from tests.auth import STAFF_PASSWORD

NEW_PASSWORD = "another long staff passphrase"


def _url(user):
    return f"/api/staff/users/{user.id}/password"


def _next_code(user):
    """A code of the next time step (the enrolment used the current one: codes work once)."""
    db.session.expire_all()
    secret = db.session.get(User, user.id).totp_secret
    return pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))


def test_admin_sets_a_new_password_sessions_end_and_the_totp_is_still_asked(auth):
    other_client = auth.client()
    admin, admin_user = auth.staff("admin")
    officer, user = auth.staff("officer", "fr-paris")
    db.session.expire_all()
    secret = db.session.get(User, user.id).totp_secret
    assert secret
    done = admin.post(_url(user), json={"password": NEW_PASSWORD})
    assert done.status_code == 200 and done.json["totp_enrolled"] is True
    assert "password" not in done.json
    assert officer.get("/api/staff/me").status_code == 401  # signed out at once
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret  # the authenticator stays

    old = other_client.post("/api/staff/auth/login", json={
        "email": user.email, "password": STAFF_PASSWORD, "totp": _next_code(user)})
    assert old.status_code == 401
    without_code = other_client.post("/api/staff/auth/login", json={
        "email": user.email, "password": NEW_PASSWORD})
    assert without_code.status_code == 401 and "totp" in without_code.json["errors"]["json"]
    signed_in = other_client.post("/api/staff/auth/login", json={
        "email": user.email, "password": NEW_PASSWORD, "totp": _next_code(user)})
    assert signed_in.status_code == 200, signed_in.json
    assert signed_in.json["enrolment_required"] is False
    (event,) = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.password_set", AuditEvent.target_id == str(user.id)))
    assert event.actor_id == admin_user.id and NEW_PASSWORD not in str(event.details)


def test_only_admins_set_staff_passwords(auth, client):
    _, colleague = auth.staff("officer", "fr-paris")
    for role in ("officer", "viewer"):
        caller, _ = auth.staff(role, "fr-paris")
        assert caller.post(_url(colleague), json={"password": NEW_PASSWORD}).status_code == 403
    traveler = auth.signup(client)
    assert client.post(f"/api/staff/users/{traveler['id']}/password",
                       json={"password": NEW_PASSWORD}).status_code in (401, 403)
    db.session.expire_all()
    assert db.session.get(User, colleague.id).password_hash.startswith("$")  # unchanged
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.password_set")).all()


def test_travelers_unknown_ids_weak_passwords_and_oneself_are_refused(auth, client):
    admin, admin_user = auth.staff("admin")
    _, officer = auth.staff("officer", "fr-paris")
    traveler = auth.signup(client)
    traveler_url = f"/api/staff/users/{traveler['id']}/password"
    assert admin.post(traveler_url, json={"password": NEW_PASSWORD}).status_code == 404
    assert admin.post("/api/staff/users/999999/password",
                      json={"password": NEW_PASSWORD}).status_code == 404
    short = admin.post(_url(officer), json={"password": "short"})
    assert short.status_code == 422 and set(short.json["errors"]["json"]) == {"password"}
    guessable = admin.post(_url(officer), json={"password": "password1234"})
    assert guessable.status_code == 422 and "password" in guessable.json["errors"]["json"]
    missing = admin.post(_url(officer), json={})
    assert missing.status_code == 422 and "password" in missing.json["errors"]["json"]
    own = admin.post(_url(admin_user), json={"password": NEW_PASSWORD})
    assert own.status_code == 409
    assert admin.get("/api/staff/me").status_code == 200  # still signed in


def test_forgot_password_sends_no_link_to_a_staff_account(auth, client, mail_outbox):
    _, officer = auth.staff("officer", "fr-paris")
    asked = client.post("/api/auth/forgot", json={"email": officer.email})
    assert asked.status_code == 202
    assert [m for m in mail_outbox.messages() if officer.email in m["to"]] == []
