"""Travelers in jurisdiction: counts, the call centre's search and a traveler's record,
each limited to the officer's jurisdiction; searches and views are audited."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.db import db
from tests.auth import ApiClient
from tests.conftest import leg

TODAY = date.today()


def _days(n):
    return TODAY + timedelta(days=n)


@pytest.fixture
def travelers(app, auth, create_trip, create_mission):
    """Seven travelers around the US and France; returns name -> user JSON."""
    create_mission("us-dc", "US", ["US"])
    create_mission("us-la", "US", ["US-CA"], kind="consulate_general")
    create_mission("fr-paris", "FR", ["FR"])
    plans = {
        "Ann Current": ("+14155550101", [leg("US", _days(-2), subdivision="US-CA")]),
        "Bo Upcoming": ("+14155550102", [leg("US", _days(5), subdivision="US-CA")]),
        "Cy Texas": ("+15125550103", [leg("US", _days(-1), subdivision="US-TX")]),
        "Di Both": ("+14155550104", [leg("US", _days(-2), end=_days(1)),
                                     leg("US", _days(3), subdivision="US-CA")]),
        "Ed France": ("+33612345678", [leg("FR", _days(-1))]),
        "Fay Past": ("+14155550106", [leg("US", _days(-30), end=_days(-20),
                                          subdivision="US-CA")]),
        "Gus Resident": ("+14155550107", [leg("US", _days(-400), end=None,
                                              subdivision="US-CA")]),
    }
    made = {}
    for name, (phone, legs) in plans.items():
        app.test_client_class = ApiClient
        client = app.test_client()
        client.get("/api/config")
        made[name] = auth.signup(client, name=name, phone=phone)
        create_trip(client, *legs, companions=[{"name": "Companion of " + name}])
    return made


def _search(client, q):
    response = client.get("/api/staff/travelers", query_string={"q": q})
    assert response.status_code == 200, response.json
    return response.json


def _counts(entry):
    return entry["current"], entry["upcoming"]


def test_summary_counts_by_country_and_region_within_jurisdiction(travelers, auth):
    consulate, _ = auth.staff("officer", "us-la")
    la = consulate.get("/api/staff/travelers/summary").json
    assert la["as_of"] == TODAY.isoformat() and _counts(la["totals"]) == (2, 2)
    [us] = la["countries"]
    assert us["country"] == "US" and _counts(us) == (2, 2)
    assert [(r["subdivision"], _counts(r)) for r in us["regions"]] == [("US-CA", (2, 2))]

    embassy, _ = auth.staff("viewer", "us-dc")
    dc = embassy.get("/api/staff/travelers/summary").json
    assert _counts(dc["totals"]) == (4, 2)
    [us] = dc["countries"]
    assert _counts(us) == (4, 2)
    assert [(r["subdivision"], _counts(r)) for r in us["regions"]] == [
        ("US-CA", (2, 2)), ("US-TX", (1, 0)), (None, (1, 0))]
    assert us["regions"][0]["name"] == "California"

    admin, _ = auth.staff("admin")
    everywhere = admin.get("/api/staff/travelers/summary").json
    assert _counts(everywhere["totals"]) == (5, 2)
    assert [c["country"] for c in everywhere["countries"]] == ["FR", "US"]


def test_search_by_name_or_phone_finds_only_travelers_in_jurisdiction(travelers, auth):
    consulate, officer = auth.staff("officer", "us-la")
    found = consulate.get("/api/staff/travelers?q=an").json
    assert [r["traveler"]["name"] for r in found] == ["Ann Current"]
    assert found[0]["stays"][0]["subdivision"] == "US-CA"
    assert found[0]["stays"][0]["status"] == "current"
    # Texas, France and a past stay are out of scope; the resident is in.
    names = {r["traveler"]["name"] for r in _search(consulate, "+1 415 555")}
    assert names == {"Ann Current", "Bo Upcoming", "Di Both", "Gus Resident"}
    both = _search(consulate, "di both")[0]
    assert [s["status"] for s in both["stays"]] == ["upcoming"]  # only stays in scope
    by_phone = _search(consulate, "(415) 555-0107")
    assert [r["traveler"]["name"] for r in by_phone] == ["Gus Resident"]
    assert _search(consulate, "+33 6 12 34 56 78") == []

    paris, _ = auth.staff("officer", "fr-paris")
    national = _search(paris, "06 12 34 56 78")
    assert [r["traveler"]["name"] for r in national] == ["Ed France"]
    assert _search(paris, "%_") == []  # wildcards are literal

    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "travelers.search", AuditEvent.actor_id == officer.id)
        .order_by(AuditEvent.id)).all()
    assert [e.details["q"] for e in events][:2] == ["an", "+1 415 555"]
    assert events[0].details["results"] == 1


def test_search_needs_a_query(auth):
    admin, _ = auth.staff("admin")
    assert admin.get("/api/staff/travelers").status_code == 422
    assert admin.get("/api/staff/travelers?q=a").status_code == 422


def test_search_returns_at_most_fifty(auth, create_trip, app):
    for n in range(52):
        app.test_client_class = ApiClient
        client = app.test_client()
        client.get("/api/config")
        auth.signup(client, name=f"Zed {n:02d}")
        create_trip(client, leg("FR"))
    admin, _ = auth.staff("admin")
    assert len(admin.get("/api/staff/travelers?q=zed").json) == 50


def test_traveler_record_with_trips_in_scope_and_audited(travelers, auth):
    consulate, officer = auth.staff("officer", "us-la")
    di = travelers["Di Both"]
    record = consulate.get(f"/api/staff/travelers/{di['id']}")
    assert record.status_code == 200, record.json
    body = record.json
    assert body["traveler"]["phone"] == "+14155550104" and body["traveler"]["email"]
    [trip] = body["trips"]
    assert [leg["country"] for leg in trip["legs"]] == ["US", "US"]
    assert trip["companions"][0]["name"] == "Companion of Di Both"
    assert trip["emergency_contact"]["phone"] == "+8613900139000"
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "traveler.view", AuditEvent.actor_id == officer.id)).all()
    assert event.target_type == "users" and event.target_id == str(di["id"])


@pytest.mark.parametrize("name", ["Cy Texas", "Ed France", "Fay Past"])
def test_traveler_record_outside_jurisdiction_is_not_found(travelers, auth, name):
    consulate, _ = auth.staff("officer", "us-la")
    response = consulate.get(f"/api/staff/travelers/{travelers[name]['id']}")
    assert response.status_code == 404
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "traveler.view")) is None


def test_staff_accounts_are_not_traveler_records(auth):
    admin, _ = auth.staff("admin")
    _, officer = auth.staff("officer", "fr-paris")
    assert admin.get(f"/api/staff/travelers/{officer.id}").status_code == 404
    assert admin.get("/api/staff/travelers/999999").status_code == 404


def test_an_officer_without_a_mission_sees_nobody(travelers, auth):
    from server.accounts.models import User

    client, officer = auth.staff("officer", "us-la")
    db.session.get(User, officer.id).embassy_id = None
    db.session.flush()
    assert _counts(client.get("/api/staff/travelers/summary").json["totals"]) == (0, 0)
    assert _search(client, "+1 415") == []
