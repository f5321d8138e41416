"""Trips: legs, companions, validation, listing by time, ownership, concurrency."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from server.db import db
from server.trips.models import Leg, Trip
from tests.conftest import leg, trip_body

TODAY = date.today()


def test_create_multi_country_trip_with_companions(client, auth, create_trip):
    auth.signup(client)
    trip = create_trip(
        client,
        leg("FR", TODAY, 5, city="Paris", lat=48.8566, lon=2.3522),
        leg("US", TODAY + timedelta(days=5), 7, subdivision="US-CA"),
        companions=[{"name": "Li Ming", "relationship": "child", "nationality": "CA",
                     "phone": "+1 416 555 0123"}])
    assert [x["country"] for x in trip["legs"]] == ["FR", "US"]
    assert trip["legs"][1]["subdivision"] == "US-CA"
    assert trip["companions"][0]["phone"] == "+14165550123"
    assert trip["emergency_contact"]["phone"] == "+8613900139000"
    assert trip["start_date"] == TODAY.isoformat() and trip["status"] == "current"
    assert trip["legs"][0]["country_name"] == "France"


def test_resident_abroad_has_no_end_date(client, auth, create_trip):
    auth.signup(client)
    trip = create_trip(client, leg("JP", TODAY - timedelta(days=400), end=None))
    assert trip["end_date"] is None and trip["status"] == "current"


@pytest.mark.parametrize("bad_leg, field", [
    (leg("XX"), "country"),
    (leg("FR", subdivision="US-CA"), "subdivision"),
    (leg("FR", subdivision="FR-ZZZ"), "subdivision"),
    (leg("FR", lat=91, lon=0), "lat"),
    (leg("FR", lat=10, lon=-181), "lon"),
    (leg("FR", lat=10), "lon"),
    (leg("FR", TODAY, end=TODAY - timedelta(days=1)), "end_date"),
    (leg("FR", TODAY + timedelta(days=365 * 20)), "start_date"),
    ({"country": "FR", "start_date": "31/12/2026"}, "start_date"),
    ({"country": "FR", "start_date": "2026-12-01", "planet": "Mars"}, "planet"),
])
def test_bad_leg_is_refused_with_the_field_at_fault(client, auth, bad_leg, field):
    auth.signup(client)
    response = client.post("/api/trips", json=trip_body(bad_leg))
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]["legs"]["0"]
    assert db.session.scalar(select(func.count()).select_from(Trip)) == 0


def test_overlapping_legs_are_refused(client, auth):
    auth.signup(client)
    body = trip_body(leg("FR", TODAY, 10), leg("DE", TODAY + timedelta(days=5), 3))
    response = client.post("/api/trips", json=body)
    assert response.status_code == 422
    assert "start_date" in response.json["errors"]["json"]["legs"]["1"]


def test_open_ended_leg_must_be_the_last(client, auth):
    auth.signup(client)
    body = trip_body(leg("FR", TODAY, end=None), leg("DE", TODAY + timedelta(days=5), 3))
    assert client.post("/api/trips", json=body).status_code == 422


def test_missing_emergency_contact_and_bad_purpose(client, auth):
    auth.signup(client)
    body = trip_body(purpose="spying")
    del body["emergency_contact"]
    response = client.post("/api/trips", json=body)
    assert set(response.json["errors"]["json"]) == {"purpose", "emergency_contact"}


def test_listing_by_current_upcoming_past(client, auth, create_trip):
    auth.signup(client)
    create_trip(client, leg("FR", TODAY - timedelta(days=30), 5))
    create_trip(client, leg("DE", TODAY - timedelta(days=1), 5))
    create_trip(client, leg("IT", TODAY + timedelta(days=30), 5))
    def countries(when):
        return [t["legs"][0]["country"] for t in client.get(f"/api/trips?when={when}").json]
    assert countries("past") == ["FR"]
    assert countries("current") == ["DE"]
    assert countries("upcoming") == ["IT"]
    assert len(client.get("/api/trips").json) == 3
    assert client.get("/api/trips?when=someday").status_code == 422


def test_update_replaces_legs_and_keeps_derived_dates(client, auth, create_trip):
    auth.signup(client)
    trip = create_trip(client)
    new_legs = [leg("ES", TODAY + timedelta(days=2), 3), leg("PT", TODAY + timedelta(days=5), 4)]
    response = client.patch(f"/api/trips/{trip['id']}", json={"legs": new_legs})
    assert response.status_code == 200
    updated = response.json
    assert [x["country"] for x in updated["legs"]] == ["ES", "PT"]
    assert updated["end_date"] == (TODAY + timedelta(days=9)).isoformat()
    assert updated["purpose"] == "tourism" and updated["version"] == trip["version"] + 1
    assert db.session.scalar(select(func.count()).select_from(Leg)) == 2


def test_stale_version_is_a_conflict_and_changes_nothing(client, auth, create_trip):
    auth.signup(client)
    trip = create_trip(client)
    client.patch(f"/api/trips/{trip['id']}", json={"notes": "first", "version": trip["version"]})
    stale = client.patch(f"/api/trips/{trip['id']}",
                         json={"notes": "second", "version": trip["version"]})
    assert stale.status_code == 409 and "version" in stale.json["errors"]["json"]
    assert client.get(f"/api/trips/{trip['id']}").json["notes"] == "first"


def test_bad_update_leaves_the_trip_as_it_was(client, auth, create_trip):
    auth.signup(client)
    trip = create_trip(client)
    response = client.patch(f"/api/trips/{trip['id']}", json={"legs": [leg("ZZ")], "notes": "x"})
    assert response.status_code == 422
    assert client.get(f"/api/trips/{trip['id']}").json == trip


def test_travelers_cannot_see_or_touch_each_others_trips(client, auth, create_trip):
    other_client = auth.client()
    auth.signup(client)
    trip = create_trip(client)
    auth.signup(other_client)
    url = f"/api/trips/{trip['id']}"
    assert other_client.get(url).status_code == 404
    assert other_client.patch(url, json={"notes": "mine"}).status_code == 404
    assert other_client.delete(url).status_code == 404
    assert other_client.get("/api/trips").json == []
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_anonymous_cannot_use_trips(client):
    assert client.get("/api/trips").status_code == 401
    assert client.post("/api/trips", json=trip_body()).status_code == 401


def test_trip_shows_the_responsible_mission(client, auth, create_trip, create_mission):
    create_mission("us-washington", "US", ["US"])
    create_mission("us-la", "US", ["US-CA"], kind="consulate_general")
    auth.signup(client)
    trip = create_trip(client, leg("US", subdivision="US-CA"))
    assert trip["legs"][0]["mission"]["emergency_phone"] == "+33199001235"
    assert trip["legs"][0]["mission"]["name"] == "Mission us-la"
