"""The two-person hand-off: a request for approval tells every staff member who may approve
(live, by id), a send-back carries its comment to the drafter; each step is audited."""
import json

from sqlalchemy import select

from server import live
from server.audit.models import AuditEvent
from server.db import db
from tests.alerts.helpers import alert_body
from tests.conftest import mail_sent


def events_after(last_id, kind):
    return [json.loads(e["data"]) for e in live.hub().since(last_id) if e["type"] == kind]


def last_event_id():
    return max([e["id"] for e in live.hub().since(0)], default=0)


def actions(alert_id):
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "alerts", AuditEvent.target_id == str(alert_id))
        .order_by(AuditEvent.id)))


def test_request_approval_names_every_approver_and_a_send_back_reaches_the_drafter(
        app, create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    create_mission("de-berlin", "DE", ["DE"])
    drafter, me = auth.staff("officer", "fr-paris")
    colleague, other = auth.staff("officer", "fr-paris")
    _, admin = auth.staff("admin")
    _, viewer = auth.staff("viewer", "fr-paris")
    _, elsewhere = auth.staff("officer", "de-berlin")
    alert_id = drafter.post("/api/staff/alerts", json=alert_body(severity="Severe")).json["id"]

    last = last_event_id()
    assert colleague.post(f"/api/staff/alerts/{alert_id}/request-approval").status_code == 403
    with mail_sent(app) as mails:
        asked = drafter.post(f"/api/staff/alerts/{alert_id}/request-approval")
    assert asked.status_code == 200
    [event] = events_after(last, "approval.requested")
    assert other.id in event["approvers"] and admin.id in event["approvers"]
    assert not {me.id, viewer.id, elsewhere.id} & set(event["approvers"])
    # The approvers are told by email too, with a link to the draft and nothing more.
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in mails) == sorted(
        [other.email, admin.email])
    body = mails[0].get_content()
    assert f"/console/#/alerts/{alert_id}" in body and "Approval asked" in str(mails[0]["Subject"])

    last = last_event_id()
    refused = colleague.post(f"/api/staff/alerts/{alert_id}/send-back", json={"comment": " "})
    assert "comment" in refused.json["errors"]["json"]
    assert drafter.post(f"/api/staff/alerts/{alert_id}/send-back",
                        json={"comment": "No."}).status_code == 403  # not the drafter
    back = colleague.post(f"/api/staff/alerts/{alert_id}/send-back",
                          json={"comment": "Name the streets to avoid."})
    assert back.status_code == 200 and back.json["state"] == "draft"
    assert events_after(last, "approval.sent_back") == [{
        "alert": alert_id, "drafted_by": me.id, "comment": "Name the streets to avoid.",
        "embassy_id": events_after(last, "approval.sent_back")[0]["embassy_id"]}]
    assert colleague.post(f"/api/staff/alerts/{alert_id}/approve").status_code == 200
    assert actions(alert_id) == ["alert.create", "alert.request_approval", "alert.send_back",
                                 "alert.approve"]


def test_a_moderate_draft_needs_no_hand_off(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    drafter, _ = auth.staff("officer", "fr-paris")
    alert_id = drafter.post("/api/staff/alerts", json=alert_body()).json["id"]
    assert drafter.post(f"/api/staff/alerts/{alert_id}/request-approval").status_code == 409
