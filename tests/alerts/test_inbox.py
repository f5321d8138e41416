"""The traveler's inbox (GET /api/alerts): one row per alert whatever the number of devices,
newest first, paged, in the reader's language, with the reader's click, and only their own."""
from __future__ import annotations

from tests.alerts.helpers import alert_body, create_and_send
from tests.fixtures.push import here
from tests.pushreceiver import make_subscription

ENGLISH_ONLY = [{"language": "en", "headline": "Curfew", "description": "Stay home tonight."}]


def _traveler(auth, create_trip, receiver, language, devices):
    phone = auth.client()
    auth.signup(phone, language=language)
    create_trip(phone, {"country": "FR", "start_date": here()[4].isoformat(),
                        "end_date": here()[5].isoformat()})
    for n in range(devices):
        sub = make_subscription(receiver, f"{language}-{n}")
        assert phone.post("/api/devices", json=sub.as_json()).status_code == 201
    return phone


def test_inbox_is_one_row_per_alert_newest_first_paged_and_localized(auth, create_trip, receiver):
    staff, _ = auth.staff("admin")
    phone = _traveler(auth, create_trip, receiver, "zh_Hans", devices=2)
    outsider = auth.client()
    auth.signup(outsider)
    first = create_and_send(staff, alert_body())
    second = create_and_send(staff, alert_body(texts=ENGLISH_ONLY))
    third = create_and_send(staff, alert_body())

    inbox = phone.get("/api/alerts").json
    assert [a["id"] for a in inbox] == [third["id"], second["id"], first["id"]]
    assert [(a["language"], a["headline"]) for a in inbox] == [
        ("zh_Hans", "请待在室内"), ("en", "Curfew"), ("zh_Hans", "请待在室内")]
    assert all(a["clicked_at"] is None and a["cancelled"] is False for a in inbox)

    page = phone.get("/api/alerts?limit=2").json
    assert [a["id"] for a in page] == [third["id"], second["id"]]
    rest = phone.get(f"/api/alerts?limit=2&before={second['id']}").json
    assert [a["id"] for a in rest] == [first["id"]]

    assert phone.post(f"/api/alerts/{second['id']}/click").status_code == 204
    clicked = {a["id"]: a["clicked_at"] for a in phone.get("/api/alerts").json}
    assert clicked[second["id"]] is not None
    assert clicked[first["id"]] is None and clicked[third["id"]] is None
    assert phone.get(f"/api/alerts/{second['id']}").json["clicked_at"] == clicked[second["id"]]

    assert outsider.get("/api/alerts").json == []
    assert outsider.get(f"/api/alerts/{first['id']}").status_code == 404


def test_inbox_needs_a_signed_in_traveler(auth):
    response = auth.client().get("/api/alerts")
    assert response.status_code == 401 and response.json["code"] == 401
