"""The console's language reaches the server: a staff member's choice is kept on the account,
so the names and messages the server makes (mission names here) follow it."""
from server.db import db


def test_console_language_is_kept_and_names_follow_it(auth, create_mission):
    create_mission("fr-paris", "FR", ["FR"], names={"ar": "سفارة باريس"})
    client, user = auth.staff("officer", "fr-paris")
    assert client.get("/api/staff/me").json["embassy"]["name"] == "Mission fr-paris"

    changed = client.patch("/api/staff/me", json={"language": "ar"})
    assert changed.status_code == 200
    assert changed.json["language"] == "ar"
    assert changed.json["embassy"]["name"] == "سفارة باريس"  # this very answer follows it
    db.session.refresh(user)
    assert user.language == "ar"
    # Later requests follow the saved language even with another Accept-Language.
    later = client.get("/api/staff/me", headers={"Accept-Language": "en"})
    assert later.json["embassy"]["name"] == "سفارة باريس"


def test_console_language_must_be_a_supported_one(auth):
    client, user = auth.staff("viewer", "fr-paris")
    for body in ({"language": "xx"}, {}, {"language": 3}):
        refused = client.patch("/api/staff/me", json=body)
        assert refused.status_code == 422
        assert "language" in refused.json["errors"]["json"]
    assert client.get("/api/staff/me").json["language"] == "en"


def test_only_staff_set_the_console_language(client, auth):
    assert client.patch("/api/staff/me", json={"language": "ar"}).status_code == 401
    auth.signup(client)
    assert client.patch("/api/staff/me", json={"language": "ar"}).status_code in (401, 403)
