"""Traveler side of SOS: idempotent raise, bad input, flagging, trail, cancel, privacy."""
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from server.accounts import privacy
from server.accounts.models import User
from server.audit.models import AuditEvent
from server.db import db
from server.sos.models import SosCase, SosPosition
from tests.auth import TEST_PASSWORD
from tests.conftest import leg
from tests.sos.helpers import now_iso, sos_body

TODAY = date.today()


def _count(model=SosCase) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_first_post_creates_the_case_and_replays_return_it(client, auth, create_trip,
                                                           create_mission):
    create_mission("fr-paris", "FR", ["FR"])
    auth.signup(client)
    trip = create_trip(client, leg("FR", TODAY, 5))
    body = sos_body(message="  Lost my passport, threatened  ", trip_id=trip["id"])
    first = client.post("/api/sos", json=body)
    assert first.status_code == 201, first.json
    case = first.json
    assert case["client_uuid"] == body["client_uuid"] and case["state"] == "open"
    assert case["message"] == "Lost my passport, threatened"
    assert case["routed_by"] == "trip" and case["trip_id"] == trip["id"]
    assert case["mission"]["name"] == "Mission fr-paris"
    assert case["mission"]["emergency_phone"] == "+33199001235"
    assert "flagged" not in case and "traveler" not in case
    for _ in range(3):
        replay = client.post("/api/sos", json=body)
        assert replay.status_code == 200
        assert replay.json == case
    assert _count() == 1
    assert client.get(f"/api/sos/{body['client_uuid']}").json == case
    assert [c["client_uuid"] for c in client.get("/api/sos").json] == [body["client_uuid"]]
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.target_type == "sos_cases")) == "sos.raise"


def test_sos_without_anything_but_uuid_and_time_goes_to_the_default_queue(client, auth):
    auth.signup(client)
    response = client.post("/api/sos", json=sos_body())
    assert response.status_code == 201
    assert response.json["routed_by"] == "default" and response.json["mission"] is None


def test_a_traveler_sees_only_their_own_cases(client, auth):
    other_client = auth.client()
    auth.signup(client)
    body = sos_body()
    client.post("/api/sos", json=body)
    auth.signup(other_client)
    assert other_client.get(f"/api/sos/{body['client_uuid']}").status_code == 404
    assert other_client.get("/api/sos").json == []
    assert other_client.post(f"/api/sos/{body['client_uuid']}/cancel").status_code == 404
    taken = other_client.post("/api/sos", json=body)
    assert taken.status_code == 409 and "client_uuid" in taken.json["errors"]["json"]
    assert _count() == 1


def test_sos_needs_a_signed_in_traveler_and_the_csrf_header(app, client, auth):
    assert client.post("/api/sos", json=sos_body()).status_code == 401
    auth.signup(client)
    no_header = app.test_client()  # no ApiClient: does not echo the CSRF cookie
    for cookie in ("compatriot_session", "remember_token"):
        value = client.get_cookie(cookie)
        if value is not None:
            no_header.set_cookie(cookie, value.value)
    response = no_header.post("/api/sos", json=sos_body())
    assert response.status_code == 400 and "X-CSRFToken" in response.json["errors"]["headers"]
    assert _count() == 0


@pytest.mark.parametrize("change, field", [
    ({"client_uuid": "not-a-uuid"}, "client_uuid"),
    ({"client_uuid": None}, "client_uuid"),
    ({"raised_at": "yesterday"}, "raised_at"),
    ({"raised_at": now_iso(timedelta(days=3))}, "raised_at"),
    ({"lat": 91, "lon": 0}, "lat"),
    ({"lat": 10, "lon": 181}, "lon"),
    ({"lat": 10}, "lon"),
    ({"lat": "north", "lon": 2}, "lat"),
    ({"lat": 10, "lon": 2, "accuracy": -5}, "accuracy"),
    ({"message": "x" * 1001}, "message"),
    ({"message": ["help"]}, "message"),
    ({"trip_id": "3"}, "trip_id"),
    ({"planet": "Mars"}, "planet"),
])
def test_bad_input_is_refused_with_the_field_and_a_valid_replay_still_lands(
        client, auth, change, field):
    auth.signup(client)
    body = sos_body()
    response = client.post("/api/sos", json={**body, **change})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert _count() == 0
    assert client.post("/api/sos", json=body).status_code == 201


@pytest.mark.parametrize("kwargs", [{}, {"data": "help!"}, {"json": []}, {"json": "help"}])
def test_no_body_or_a_body_that_is_not_an_object_is_refused(client, auth, kwargs):
    auth.signup(client)
    response = client.post("/api/sos", **kwargs)
    assert 400 <= response.status_code < 500 and response.status_code != 404
    assert response.json["code"] == response.status_code
    assert _count() == 0


def test_missing_uuid_and_time_are_reported_per_field(client, auth):
    auth.signup(client)
    response = client.post("/api/sos", json={})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"client_uuid", "raised_at"}


def test_a_flood_is_accepted_and_flagged_never_refused(client, auth):
    auth.signup(client)
    statuses = [client.post("/api/sos", json=sos_body()).status_code for _ in range(8)]
    assert statuses == [201] * 8
    flags = db.session.scalars(select(SosCase.flagged).order_by(SosCase.id)).all()
    assert flags == [False] * 5 + [True] * 3
    reasons = set(db.session.scalars(select(SosCase.flag_reason).where(SosCase.flagged)))
    assert reasons == {"many_recent_cases"}


def test_position_trail_is_idempotent_per_recorded_time(client, auth):
    auth.signup(client)
    body = sos_body(lat=48.85, lon=2.35, accuracy=30)
    uid = body["client_uuid"]
    client.post("/api/sos", json=body)
    later = now_iso(timedelta(minutes=3))
    point = {"recorded_at": later, "lat": 48.86, "lon": 2.36, "accuracy": 12}
    assert client.post(f"/api/sos/{uid}/positions", json=point).status_code == 201
    assert client.post(f"/api/sos/{uid}/positions", json=point).status_code == 200
    older = {"recorded_at": now_iso(timedelta(minutes=-5)), "lat": 1, "lon": 1}
    assert client.post(f"/api/sos/{uid}/positions", json=older).status_code == 201
    case = client.get(f"/api/sos/{uid}").json
    assert (case["lat"], case["lon"], case["accuracy"]) == (48.86, 2.36, 12)
    assert _count(SosPosition) == 3  # the SOS's own position, the update, the older one
    bad = client.post(f"/api/sos/{uid}/positions", json={**point, "lat": -100})
    assert bad.status_code == 422 and "lat" in bad.json["errors"]["json"]
    assert client.post(f"/api/sos/{uuid.uuid4()}/positions", json=point).status_code == 404


def test_cancel_closes_the_case_once_and_stops_the_trail(client, auth):
    auth.signup(client)
    body = sos_body()
    uid = body["client_uuid"]
    client.post("/api/sos", json=body)
    cancelled = client.post(f"/api/sos/{uid}/cancel")
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    again = client.post(f"/api/sos/{uid}/cancel")
    assert again.json["cancelled_at"] == cancelled.json["cancelled_at"]
    assert client.post("/api/sos", json=body).json["state"] == "cancelled"
    late = client.post(f"/api/sos/{uid}/positions",
                       json={"recorded_at": now_iso(), "lat": 1, "lon": 1})
    assert late.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "sos.cancel")) == 1


def test_export_includes_cases_and_deleting_the_account_keeps_the_case(client, auth):
    user = auth.signup(client, name="Chen Jing")
    body = sos_body(lat=35.68, lon=139.69)
    client.post("/api/sos", json=body)
    export = privacy.export_user_data(db.session.get(User, user["id"]), {})["sos"]
    assert export[0]["client_uuid"] == body["client_uuid"]
    assert export[0]["positions"][0]["lat"] == 35.68
    assert client.delete("/api/me", json={"password": TEST_PASSWORD}).status_code == 204
    assert db.session.get(User, user["id"]) is None
    case = db.session.scalar(select(SosCase))
    assert case.user_id is None and case.user_name == "Chen Jing"
    assert case.user_phone == "+8613800138000"
