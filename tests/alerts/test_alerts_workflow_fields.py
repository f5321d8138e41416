"""The approval rules as the server tells the console: who may approve or send an alert now."""
from __future__ import annotations

from datetime import timedelta

from server.alerts.models import Alert
from server.db import db, utcnow
from tests.alerts.helpers import alert_body, create_and_send


def flags(answer) -> tuple:
    return (answer.json["needs_second_person"], answer.json["can_approve"],
            answer.json["can_send"])


def test_a_severe_draft_waits_for_a_second_person(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    drafter, _ = auth.staff("officer", "fr-paris")
    colleague, _ = auth.staff("officer", "fr-paris")
    viewer, _ = auth.staff("viewer", "fr-paris")
    created = drafter.post("/api/staff/alerts", json=alert_body(severity="Severe"))
    alert_id = created.json["id"]
    assert flags(created) == (True, False, False)
    assert flags(colleague.get(f"/api/staff/alerts/{alert_id}")) == (True, True, False)
    assert flags(viewer.get(f"/api/staff/alerts/{alert_id}")) == (True, False, False)
    approved = colleague.post(f"/api/staff/alerts/{alert_id}/approve")
    # Approved: nobody approves it again, the drafter and the approver may send it.
    assert flags(approved) == (True, False, True)
    assert flags(drafter.get(f"/api/staff/alerts/{alert_id}")) == (True, False, True)
    assert flags(viewer.get(f"/api/staff/alerts/{alert_id}")) == (True, False, False)


def test_a_moderate_draft_is_ready_to_send_by_its_drafter(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    drafter, _ = auth.staff("officer", "fr-paris")
    created = drafter.post("/api/staff/alerts", json=alert_body(severity="Moderate"))
    assert flags(created) == (False, False, True)
    listed = drafter.get("/api/staff/alerts").json
    assert [(a["can_approve"], a["can_send"]) for a in listed] == [(False, True)]


def test_sent_alerts_may_go_to_newcomers_until_cancelled_or_expired(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    officer, _ = auth.staff("officer", "fr-paris")
    sent = create_and_send(officer, alert_body(severity="Minor"))
    answer = officer.get(f"/api/staff/alerts/{sent['id']}")
    assert answer.json["state"] == "sent" and answer.json["can_send"] is True
    db.session.get(Alert, sent["id"]).expires = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert officer.get(f"/api/staff/alerts/{sent['id']}").json["can_send"] is False
    other = create_and_send(officer, alert_body(severity="Minor", event="Flooding"))
    notice = officer.post(f"/api/staff/alerts/{other['id']}/cancel").json
    assert officer.get(f"/api/staff/alerts/{other['id']}").json["can_send"] is False
    assert notice["msg_type"] == "Cancel" and notice["can_send"] is False


def test_the_fields_and_the_rules_are_in_the_openapi_document(client, auth):
    spec = client.get("/api/openapi.json").json
    alert = spec["components"]["schemas"]["AlertOut"]["properties"]
    for name in ("needs_second_person", "can_approve", "can_send"):
        assert alert[name]["description"]
    staff, _ = auth.staff("admin")
    rules = staff.get("/api/staff/alerts/rules")
    assert rules.status_code == 200
    assert rules.json == {"two_person_severities": ["Extreme", "Severe"]}
