"""Staff sessions end after 30 idle minutes and 12 hours at most (config), tested on a moved
clock, never with sleeps."""
import pytest

from server.staff import sessions


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_900_000_000.0}
    monkeypatch.setattr(sessions, "clock", lambda: now["t"])

    def move(minutes):
        now["t"] += minutes * 60

    return move


def test_an_idle_staff_session_expires_and_is_cleared(auth, clock):
    client, _ = auth.staff("officer", "fr-paris")
    clock(29)
    assert client.get("/api/staff/me").status_code == 200
    clock(29)  # activity 29 minutes ago: still alive
    assert client.get("/api/staff/me").status_code == 200
    clock(31)
    expired = client.get("/api/staff/me")
    assert expired.status_code == 401 and "expired" in expired.json["message"]
    with client.session_transaction() as session:
        assert "_user_id" not in session and sessions.SIGNED_IN_AT not in session
    clock(-31)  # even with the clock back, the cleared session is gone
    assert client.get("/api/staff/me").status_code == 401


def test_polling_does_not_keep_a_session_alive(auth, clock):
    client, _ = auth.staff("officer", "fr-paris")
    background = {sessions.BACKGROUND_HEADER: "1"}
    for minutes in (10, 10, 9):
        clock(minutes)
        assert client.get("/api/staff/me", headers=background).status_code == 200
    clock(1)  # 30 minutes since the last real activity (the sign-in)
    assert client.get("/api/staff/me", headers=background).status_code == 401


def test_an_active_session_still_ends_after_its_lifetime(auth, clock, app):
    client, _ = auth.staff("officer", "fr-paris")
    for _ in range(12 * 60 // 20 - 1):
        clock(20)
        assert client.get("/api/staff/me").status_code == 200
    clock(20)  # 12 hours after sign-in
    assert client.get("/api/staff/me").status_code == 401


def test_the_limits_come_from_the_config(auth, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_SESSION_IDLE_MINUTES", 5)
    client, _ = auth.staff("viewer", "fr-paris")
    me = client.get("/api/staff/me").json
    assert me["idle_expires_at"] < me["expires_at"]
    clock(6)
    assert client.get("/api/staff/me").status_code == 401


def test_an_expired_session_can_sign_in_again(auth, clock):
    from tests.auth import STAFF_PASSWORD

    client, user = auth.staff("officer", "fr-paris")
    clock(31)
    # The expired session does not stand in the way of a new sign-in (code missing: 401 totp).
    again = client.post("/api/staff/auth/login",
                        json={"email": user.email, "password": STAFF_PASSWORD})
    assert again.status_code == 401 and "totp" in again.json["errors"]["json"]


def test_a_session_without_staff_sign_in_times_is_refused(auth):
    client, _ = auth.staff("admin")
    with client.session_transaction() as session:
        del session[sessions.SIGNED_IN_AT]
    assert client.get("/api/staff/me").status_code == 401


def test_traveler_sessions_are_not_affected(client, auth, clock):
    auth.signup(client)
    clock(60 * 24)
    assert client.get("/api/me").status_code == 200


def test_me_gives_the_deadlines_with_the_servers_time(auth, clock, app):
    """The console warns before the idle limit: it needs the deadlines on the server's clock."""
    from datetime import datetime

    client, _ = auth.staff("officer", "fr-paris")
    me = client.get("/api/staff/me").json
    now = datetime.fromisoformat(me["now"])
    idle = datetime.fromisoformat(me["idle_expires_at"]) - now
    assert idle.total_seconds() == app.config["STAFF_SESSION_IDLE_MINUTES"] * 60
    clock(10)
    background = client.get("/api/staff/me", headers={sessions.BACKGROUND_HEADER: "1"}).json
    assert background["idle_expires_at"] == me["idle_expires_at"]  # polling is not activity
    assert datetime.fromisoformat(background["now"]) > now
