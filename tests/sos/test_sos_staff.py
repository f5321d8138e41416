"""Staff side of SOS: the queue, scope, lifecycle, audit and the acknowledgement push."""

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.db import db
from server.sos.models import SosCase
from tests.sos.helpers import actions, sos_body

pytestmark = pytest.mark.usefixtures("pushes")  # no test here may reach the real sender


def test_officer_works_a_case_from_queue_to_resolved(client, auth, paris_case, pushes):
    traveler, case = paris_case
    other_client, officer = auth.staff("officer", "fr-paris")
    queue = other_client.get("/api/staff/sos").json
    assert [c["id"] for c in queue] == [case.id]
    assert queue[0]["traveler"]["phone"] == "+8613800138000" and "positions" not in queue[0]

    detail = other_client.get(f"/api/staff/sos/{case.id}").json
    assert detail["positions"][0]["lat"] == 48.85 and detail["notes"] == []
    assert detail["traveler"]["name"] == traveler["name"] and detail["trip"] is None

    ack = other_client.patch(f"/api/staff/sos/{case.id}",
                             json={"state": "acknowledged", "note": "Called, police on the way"})
    assert ack.status_code == 200, ack.json
    assert ack.json["state"] == "acknowledged" and ack.json["acknowledged_at"]
    assert ack.json["acknowledged_by_id"] == officer.id
    assert ack.json["notes"][0]["text"] == "Called, police on the way"
    assert ack.json["notes"][0]["author_name"] == officer.name
    assert pushes == [(traveler["id"], "sos", {
        "case": case.client_uuid, "state": "acknowledged", "mission": "Mission fr-paris",
        "title": "SOS received", "body": "Your SOS was received by Mission fr-paris.",
        "tag": f"sos-{case.client_uuid}"})]
    assert client.get(f"/api/sos/{case.client_uuid}").json["state"] == "acknowledged"

    again = other_client.patch(f"/api/staff/sos/{case.id}", json={"state": "acknowledged"})
    assert again.status_code == 200 and len(pushes) == 1

    done = other_client.patch(f"/api/staff/sos/{case.id}", json={"state": "resolved"})
    assert done.json["state"] == "resolved" and done.json["resolved_at"]
    reopen = other_client.patch(f"/api/staff/sos/{case.id}", json={"state": "acknowledged"})
    assert reopen.status_code == 409 and "state" in reopen.json["errors"]["json"]
    assert actions(case.id) == ["sos.raise", "sos.view", "sos.acknowledge", "sos.note",
                                 "sos.resolve"]
    assert db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "sos.acknowledge")) == officer.id


def test_queue_puts_open_cases_first_and_filters_by_state(client, auth, paris_case):
    _, first = paris_case
    second = client.post("/api/sos", json=sos_body(lat=48.9, lon=2.3)).json
    other_client, _ = auth.staff("officer", "fr-paris")
    other_client.patch(f"/api/staff/sos/{first.id}", json={"state": "acknowledged"})
    third = client.post("/api/sos", json=sos_body(lat=48.9, lon=2.3)).json
    states = [(c["client_uuid"], c["state"]) for c in other_client.get("/api/staff/sos").json]
    assert states == [(third["client_uuid"], "open"), (second["client_uuid"], "open"),
                      (first.client_uuid, "acknowledged")]
    only = other_client.get("/api/staff/sos?state=acknowledged").json
    assert [c["id"] for c in only] == [first.id]
    assert other_client.get("/api/staff/sos?state=lost").status_code == 422


def test_push_in_the_travelers_language_and_failures_do_not_undo_the_ack(
        client, auth, paris_case, pushes, monkeypatch):
    import server.celery_app
    from server.broadcast import direct

    _, case = paris_case
    client.patch("/api/me", json={"language": "zh_Hans"})

    def record_then_enqueue(user_id, kind, data):
        pushes.append((user_id, kind, data))
        server.celery_app.enqueue_after_commit(direct.deliver_direct, user_id, kind, data)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(direct, "send_to_person", record_then_enqueue)
    monkeypatch.setattr(server.celery_app, "enqueue", broker_down)
    other_client, _ = auth.staff("officer", "fr-paris")
    response = other_client.patch(f"/api/staff/sos/{case.id}", json={"state": "acknowledged"})
    assert response.status_code == 200 and pushes[0][2]["mission"] == "驻法国大使馆"
    assert client.get(f"/api/sos/{case.client_uuid}").json["state"] == "acknowledged"


def test_officer_of_another_mission_gets_404(auth, paris_case, create_mission):
    _, case = paris_case
    create_mission("jp-tokyo", "JP", ["JP"])
    other_client, _ = auth.staff("officer", "jp-tokyo")
    assert other_client.get("/api/staff/sos").json == []
    assert other_client.get(f"/api/staff/sos/{case.id}").status_code == 404
    response = other_client.patch(f"/api/staff/sos/{case.id}", json={"state": "acknowledged"})
    assert response.status_code == 404
    assert actions(case.id) == ["sos.raise"]


def test_viewer_reads_but_may_not_change(auth, paris_case):
    _, case = paris_case
    other_client, _ = auth.staff("viewer", "fr-paris")
    assert other_client.get(f"/api/staff/sos/{case.id}").status_code == 200
    response = other_client.patch(f"/api/staff/sos/{case.id}", json={"state": "acknowledged"})
    assert response.status_code == 403
    assert db.session.get(SosCase, case.id).state == "open"


def test_travelers_may_not_use_the_staff_endpoints(client, paris_case):
    _, case = paris_case
    assert client.get("/api/staff/sos").status_code == 403
    assert client.get(f"/api/staff/sos/{case.id}").status_code == 403
    assert client.patch(f"/api/staff/sos/{case.id}", json={"state": "resolved"}).status_code == 403


def test_admin_sees_the_default_queue_and_acks_in_the_ministrys_name(
        app, client, auth, paris_case, pushes):
    default = client.post("/api/sos", json=sos_body()).json  # no position: default queue
    other_client, _ = auth.staff("admin")
    ids = {c["client_uuid"]: c for c in other_client.get("/api/staff/sos").json}
    assert set(ids) == {default["client_uuid"], paris_case[1].client_uuid}
    default_id = ids[default["client_uuid"]]["id"]
    assert ids[default["client_uuid"]]["embassy_id"] is None
    ack = other_client.patch(f"/api/staff/sos/{default_id}", json={"state": "acknowledged"})
    assert ack.status_code == 200
    assert pushes[0][2]["mission"] == app.config["MINISTRY_NAME"]


def test_patch_needs_a_state_or_a_note(auth, paris_case):
    _, case = paris_case
    other_client, _ = auth.staff("officer", "fr-paris")
    for body in ({}, {"state": "open"}, {"state": "cancelled"}, {"note": ""}):
        response = other_client.patch(f"/api/staff/sos/{case.id}", json=body)
        assert response.status_code == 422, body
