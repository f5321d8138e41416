from datetime import UTC, date, datetime, timedelta

from server.alerts.models import Alert
from server.db import db
from server.hazards import impact
from server.hazards.ingest import ingest
from tests.hazards.conftest import sample, traveler

NOW = datetime(2030, 5, 1, 7, tzinfo=UTC)


def flood(app):
    """The CAP polygon sample, still open today, with one traveler inside counted."""
    body = sample("cap_polygon.xml").replace(b"2030-05-03T06", b"2099-05-03T06")
    event_id = ingest("cap", "cap", body, now=NOW)["changed"][0]
    today = date.today()
    traveler("FR", 48.85, 2.35, today - timedelta(days=1), today + timedelta(days=3))
    from server.hazards.models import HazardEvent

    event = db.session.get(HazardEvent, event_id)
    impact.count(event, datetime.now(UTC))
    return event


def test_events_are_listed_in_jurisdiction_with_counts(app, auth):
    paris, _ = auth.staff("officer", "fr-paris")
    event = flood(app)
    listed = paris.get("/api/staff/hazards").json
    assert [e["id"] for e in listed] == [event.id]
    assert listed[0]["counts"]["people"] == 1
    assert listed[0]["counts"]["by_mission"][0]["people"] == 1
    tokyo, _ = auth.staff("officer", "jp-tokyo")
    assert tokyo.get("/api/staff/hazards").json == []
    assert tokyo.get(f"/api/staff/hazards/{event.id}").status_code == 404
    admin, _ = auth.staff("admin")
    assert admin.get(f"/api/staff/hazards/{event.id}").status_code == 200


def test_a_draft_alert_from_an_event_carries_its_area_and_waits(app, auth):
    event = flood(app)
    paris, _ = auth.staff("officer", "fr-paris")
    response = paris.post(f"/api/staff/hazards/{event.id}/draft-alert")
    assert response.status_code == 201, response.json
    draft = response.json
    assert draft["state"] == "draft" and draft["severity"] == "Severe"
    assert draft["needs_second_person"] and not draft["can_send"]
    assert draft["areas"][0]["kind"] == "polygon"
    assert draft["areas"][0]["ring"] == event.areas[0]["ring"]
    texts = {t["language"]: t for t in draft["texts"]}
    assert set(texts) == {"en", "zh_Hans", "zh_Hant", "ar"}
    assert texts["zh_Hans"]["headline"] == "灾害：Seine flood warning, Paris"
    assert db.session.get(Alert, draft["id"]).sent_at is None


def test_a_roll_call_draft_is_a_body_to_review(app, auth):
    event = flood(app)
    paris, _ = auth.staff("officer", "fr-paris")
    body = paris.post(f"/api/staff/hazards/{event.id}/draft-rollcall").json
    assert body["areas"][0]["kind"] == "polygon" and len(body["texts"]) == 4
    started = paris.post("/api/staff/rollcalls", json=body)
    assert started.status_code == 202, started.json


def test_the_banner_lists_events_with_enough_people_of_my_mission(app, auth, monkeypatch):
    paris, _ = auth.staff("officer", "fr-paris")
    event = flood(app)
    assert [e["id"] for e in paris.get("/api/staff/hazards/banner").json] == [event.id]
    tokyo, _ = auth.staff("viewer", "jp-tokyo")
    assert tokyo.get("/api/staff/hazards/banner").json == []
    admin, _ = auth.staff("admin")
    assert [e["id"] for e in admin.get("/api/staff/hazards/banner").json] == [event.id]
    monkeypatch.setitem(app.config, "HAZARD_BANNER_MIN_PEOPLE", 2)  # one traveler inside
    assert paris.get("/api/staff/hazards/banner").json == []


def test_a_count_over_the_threshold_is_announced_live_to_that_mission(app, auth, monkeypatch):
    from server import live

    auth.staff("officer", "fr-paris")  # the sample missions
    published = []
    monkeypatch.setattr(live, "publish_after_commit",
                        lambda kind, embassy_id, **data: published.append((kind, data)))
    event = flood(app)
    assert published == [("hazard.counted", {"event": event.id, "people": 1})]
    published.clear()
    monkeypatch.setitem(app.config, "HAZARD_BANNER_MIN_PEOPLE", 2)
    impact.count(event, datetime.now(UTC))
    assert published == []


def test_the_banner_is_in_the_openapi_document_and_needs_staff(client, auth):
    operation = client.get("/api/openapi.json").json["paths"]["/api/staff/hazards/banner"]
    assert operation["get"].get("security")
    auth.signup(client)
    assert client.get("/api/staff/hazards/banner").status_code == 403
