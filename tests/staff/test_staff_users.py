"""Admins create and change staff accounts in the console; nobody else can; all audited."""
from sqlalchemy import select

from server.accounts.models import User
from server.audit.models import AuditEvent
from server.db import db
from tests.auth import STAFF_PASSWORD, enrol


def _body(**fields):
    return {"email": "new.officer@example.org", "name": "New Officer", "role": "officer",
            "embassy_id": None, "password": STAFF_PASSWORD, **fields}


def _audited(action, target_id):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.target_id == str(target_id))).all()


def test_admin_creates_an_officer_who_then_enrols(auth, create_mission):
    other_client = auth.client()
    admin, admin_user = auth.staff("admin")
    paris = create_mission("fr-paris", "FR", ["FR"])
    created = admin.post("/api/staff/users", json=_body(embassy_id=paris.id))
    assert created.status_code == 201, created.json
    body = created.json
    assert body["role"] == "officer" and body["embassy"]["key"] == "fr-paris"
    assert body["totp_enrolled"] is False and body["disabled"] is False
    assert "password" not in body
    [event] = _audited("staff.create", body["id"])
    assert event.actor_id == admin_user.id

    enrol(other_client, "new.officer@example.org")
    assert other_client.get("/api/staff/me").json["jurisdiction"] == ["FR"]
    listed = admin.get("/api/staff/users").json
    assert {u["email"] for u in listed} == {admin_user.email, "new.officer@example.org"}
    assert next(u for u in listed if u["id"] == body["id"])["totp_enrolled"] is True


def test_bad_staff_accounts_are_refused_field_by_field(auth, client):
    admin, _ = auth.staff("admin")
    auth.signup(client, email="taken@example.org")
    response = admin.post("/api/staff/users", json=_body(
        email="taken@example.org", password="short pass", embassy_id=None))
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"email", "password", "embassy_id"}
    assert errors["embassy_id"] == ["Officers and viewers belong to a mission."]
    guessable = admin.post("/api/staff/users", json=_body(password="password1234", role="admin"))
    assert guessable.status_code == 422 and set(guessable.json["errors"]["json"]) == {"password"}
    assert "easy to guess" in guessable.json["errors"]["json"]["password"][0]
    unknown = admin.post("/api/staff/users", json=_body(embassy_id=99999))
    assert unknown.json["errors"]["json"] == {"embassy_id": ["There is no such mission."]}
    bad_role = admin.post("/api/staff/users", json=_body(role="traveler"))
    assert bad_role.status_code == 422 and "role" in bad_role.json["errors"]["json"]
    # An admin needs no mission.
    assert admin.post("/api/staff/users", json=_body(role="admin")).status_code == 201


def test_the_cli_reports_the_same_rules(app):
    result = app.test_cli_runner().invoke(args=[
        "staff", "create", "--email", "x@example.org", "--name", "X", "--role", "viewer",
        "--password", "short"])
    assert result.exit_code != 0
    assert "--password: Staff passwords need at least 12 characters." in result.output
    assert "--embassy: Officers and viewers belong to a mission." in result.output


def test_admin_changes_role_and_mission_and_it_is_audited(auth, create_mission):
    admin, admin_user = auth.staff("admin")
    officer, user = auth.staff("officer", "fr-paris")
    berlin = create_mission("de-berlin", "DE", ["DE"])
    changed = admin.patch(f"/api/staff/users/{user.id}",
                          json={"role": "viewer", "embassy_id": berlin.id})
    assert changed.status_code == 200, changed.json
    assert changed.json["role"] == "viewer" and changed.json["embassy"]["key"] == "de-berlin"
    me = officer.get("/api/staff/me").json  # takes effect at once, no new sign-in
    assert me["role"] == "viewer" and me["jurisdiction"] == ["DE"]
    [event] = _audited("staff.update", user.id)
    assert event.actor_id == admin_user.id
    assert event.details["changes"]["role"] == ["officer", "viewer"]
    needs_mission = admin.patch(f"/api/staff/users/{user.id}", json={"embassy_id": None})
    assert needs_mission.status_code == 422
    assert admin.patch(f"/api/staff/users/{user.id}", json={}).status_code == 422


def test_disabling_signs_out_at_once_and_blocks_sign_in(auth):
    admin, _ = auth.staff("admin")
    officer, user = auth.staff("officer", "fr-paris")
    assert admin.patch(f"/api/staff/users/{user.id}", json={"disabled": True}).json["disabled"]
    assert officer.get("/api/staff/me").status_code == 401
    login = officer.post("/api/staff/auth/login", json={"email": user.email,
                                                        "password": STAFF_PASSWORD})
    assert login.status_code == 401
    admin.patch(f"/api/staff/users/{user.id}", json={"disabled": False})
    assert officer.post("/api/staff/auth/login", json={
        "email": user.email, "password": STAFF_PASSWORD}).json["errors"]["json"]["totp"]


def test_reset_totp_makes_the_next_sign_in_enrol_again(auth):
    other_client = auth.client()
    admin, _ = auth.staff("admin")
    officer, user = auth.staff("officer", "fr-paris")
    reset = admin.patch(f"/api/staff/users/{user.id}", json={"reset_totp": True})
    assert reset.status_code == 200 and reset.json["totp_enrolled"] is False
    assert officer.get("/api/staff/me").status_code == 401
    enrol(other_client, user.email)
    assert _audited("staff.totp_reset", user.id)


def test_admin_cannot_demote_or_disable_themselves(auth):
    admin, user = auth.staff("admin")
    assert admin.patch(f"/api/staff/users/{user.id}", json={"role": "viewer"}).status_code == 409
    assert admin.patch(f"/api/staff/users/{user.id}", json={"disabled": True}).status_code == 409


def test_traveler_accounts_are_not_managed_here(auth, client):
    admin, _ = auth.staff("admin")
    traveler = auth.signup(client)
    assert admin.get(f"/api/staff/users/{traveler['id']}").status_code == 404
    response = admin.patch(f"/api/staff/users/{traveler['id']}", json={"role": "admin"})
    assert response.status_code == 404
    assert db.session.get(User, traveler["id"]).role == "traveler"


def test_only_admins_list_create_or_change_staff(auth, create_mission, client):
    paris = create_mission("fr-paris", "FR", ["FR"])
    _, colleague = auth.staff("officer", "fr-paris")
    auth.signup(client)
    for role in ("officer", "viewer"):
        caller, _ = auth.staff(role, "fr-paris")
        assert caller.get("/api/staff/users").status_code == 403
        assert caller.get(f"/api/staff/users/{colleague.id}").status_code == 403
        made = caller.post("/api/staff/users", json=_body(email=f"{role}.made@example.org",
                                                          role="admin", embassy_id=paris.id))
        assert made.status_code == 403
        assert caller.patch(f"/api/staff/users/{colleague.id}",
                            json={"disabled": True}).status_code == 403
    for caller in (client, client.application.test_client()):  # a traveler, nobody
        assert caller.get("/api/staff/users").status_code in (401, 403)
    assert not db.session.scalars(select(User).where(User.email.like("%.made@example.org"))).all()
    assert db.session.get(User, colleague.id).disabled is False
