"""Staff rules: two-person approval, jurisdiction, validation, roles, audit; recipients' view."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.db import db
from tests.alerts.helpers import alert_body, create_and_send
from tests.fixtures.push import here

BAD_AREAS = [
    ({"kind": "country", "code": "XX"}, "code"),
    ({"kind": "subdivision", "code": "US-ZZ"}, "code"),
    ({"kind": "subdivision"}, "code"),
    ({"kind": "circle", "lat": 48.8, "lon": 2.3, "radius_km": 0}, "radius_km"),
    ({"kind": "circle", "lat": 48.8, "lon": 2.3, "radius_km": 5000}, "radius_km"),
    ({"kind": "circle", "lat": 95, "lon": 2.3, "radius_km": 5}, "lat"),
    ({"kind": "polygon", "ring": [[48.7, 2.2], [48.7, 2.5], [49.0, 2.5], [49.0, 2.2]]}, "ring"),
    ({"kind": "polygon", "ring": [[0, 0], [1, 1], [0, 1], [1, 0], [0, 0]]}, "ring"),
    ({"kind": "polygon", "ring": [[0, 0], [1, 1], [0, 0]]}, "ring"),
    ({"kind": "square"}, "kind"),
]


@pytest.mark.parametrize("area, field", BAD_AREAS)
def test_bad_areas_are_refused_with_the_field_at_fault(auth, area, field):
    staff, _ = auth.staff("admin")
    response = staff.post("/api/staff/alerts", json=alert_body({"kind": "country", "code": "FR"},
                                                               area))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]["areas"]["1"]


def test_times_and_texts_are_validated(auth):
    staff, _ = auth.staff("admin")
    body = alert_body(hours=-1)
    assert "expires" in staff.post("/api/staff/alerts", json=body).json["errors"]["json"]
    body = alert_body(texts=[{"language": "ar", "headline": "h", "description": "d"}])
    assert "texts" in staff.post("/api/staff/alerts", json=body).json["errors"]["json"]


def test_severe_alert_needs_a_second_person(create_mission, auth, create_traveler, receiver):
    create_mission("fr-paris", "FR", ["FR"])
    drafter, _ = auth.staff("officer", "fr-paris")
    colleague, _ = auth.staff("officer", "fr-paris")
    _, [(_, name)] = create_traveler(here("FR"))
    alert_id = drafter.post("/api/staff/alerts", json=alert_body(severity="Severe")).json["id"]
    assert drafter.post(f"/api/staff/alerts/{alert_id}/send").status_code == 409
    assert drafter.post(f"/api/staff/alerts/{alert_id}/approve").status_code == 403
    assert receiver.received(name) == []
    approved = colleague.post(f"/api/staff/alerts/{alert_id}/approve")
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    assert drafter.post(f"/api/staff/alerts/{alert_id}/send").status_code == 202
    assert len(receiver.received(name)) == 1


def test_minor_alert_may_be_sent_by_its_drafter(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    officer, _ = auth.staff("officer", "fr-paris")
    sent = create_and_send(officer, alert_body(severity="Minor"))
    assert sent["state"] in ("sending", "sent")


def test_editing_an_approved_alert_needs_approval_again(auth):
    drafter, _ = auth.staff("admin")
    approver, _ = auth.staff("admin")
    alert_id = drafter.post("/api/staff/alerts", json=alert_body(severity="Extreme")).json["id"]
    approver.post(f"/api/staff/alerts/{alert_id}/approve")
    changed = drafter.patch(f"/api/staff/alerts/{alert_id}", json={"event": "Earthquake"})
    assert changed.status_code == 200 and changed.json["state"] == "draft"
    assert changed.json["approved_by_id"] is None
    assert drafter.post(f"/api/staff/alerts/{alert_id}/send").status_code == 409


@pytest.mark.parametrize("area, field", [
    ({"kind": "country", "code": "US"}, "code"),  # the consulate covers California only
    ({"kind": "subdivision", "code": "US-TX"}, "code"),
    ({"kind": "country", "code": "FR"}, "code"),
    ({"kind": "circle", "lat": 48.85, "lon": 2.35, "radius_km": 10}, "lat"),  # Paris
    ({"kind": "circle", "lat": 30.0, "lon": -140.0, "radius_km": 10}, "lat"),  # at sea
    ({"kind": "polygon", "ring": [[48.7, 2.2], [48.7, 2.5], [49.0, 2.5], [49.0, 2.2],
                                  [48.7, 2.2]]}, "ring"),
])
def test_officer_cannot_target_outside_jurisdiction(create_mission, auth, area, field):
    create_mission("us-la", "US", ["US-CA"], kind="consulate_general")
    officer, _ = auth.staff("officer", "us-la")
    response = officer.post("/api/staff/alerts", json=alert_body(area))
    assert response.status_code == 403, response.json
    assert field in response.json["errors"]["json"]["areas"]["0"]


def test_officer_targets_inside_jurisdiction(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    create_mission("us-la", "US", ["US-CA"], kind="consulate_general")
    paris, _ = auth.staff("officer", "fr-paris")
    la, _ = auth.staff("officer", "us-la")
    circle = {"kind": "circle", "lat": 48.85, "lon": 2.35, "radius_km": 10}
    assert paris.post("/api/staff/alerts", json=alert_body(circle)).status_code == 201
    ca = {"kind": "subdivision", "code": "us-ca"}
    created = la.post("/api/staff/alerts", json=alert_body(ca))
    assert created.status_code == 201 and created.json["areas"][0]["code"] == "US-CA"


def test_viewers_read_only_and_other_missions_alerts_are_hidden(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    create_mission("de-berlin", "DE", ["DE"])
    officer, _ = auth.staff("officer", "fr-paris")
    viewer, _ = auth.staff("viewer", "fr-paris")
    stranger, _ = auth.staff("officer", "de-berlin")
    alert_id = officer.post("/api/staff/alerts", json=alert_body()).json["id"]
    assert viewer.get(f"/api/staff/alerts/{alert_id}").status_code == 200
    assert viewer.get(f"/api/staff/alerts/{alert_id}/audience").status_code == 200
    assert viewer.post("/api/staff/alerts", json=alert_body()).status_code == 403
    assert viewer.post(f"/api/staff/alerts/{alert_id}/send").status_code == 403
    assert stranger.get(f"/api/staff/alerts/{alert_id}").status_code == 404
    assert [a["id"] for a in viewer.get("/api/staff/alerts").json] == [alert_id]
    assert stranger.get("/api/staff/alerts").json == []


def test_travelers_cannot_use_staff_endpoints(client, auth):
    auth.signup(client)
    assert client.get("/api/staff/alerts").status_code == 403
    assert client.post("/api/staff/alerts", json=alert_body()).status_code == 403


def test_every_staff_action_is_audited(auth, create_traveler, receiver):
    drafter, user = auth.staff("admin")
    approver, _ = auth.staff("admin")
    create_traveler(here("FR"))
    alert = create_and_send(drafter, alert_body(severity="Severe"), approver=approver)
    drafter.post(f"/api/staff/alerts/{alert['id']}/cancel")
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "alerts").order_by(AuditEvent.id)).all()
    assert actions == ["alert.create", "alert.approve", "alert.send", "alert.cancel",
                       "alert.cancel_notice"]


def test_audience_preview_counts_travelers_devices_and_languages(auth, create_traveler):
    staff, _ = auth.staff("admin")
    create_traveler(here("FR"), language="zh_Hans", devices=2)
    create_traveler(here("FR"), language="ar")
    create_traveler(here("FR"), devices=0)
    create_traveler(here("DE"))
    alert_id = staff.post("/api/staff/alerts", json=alert_body()).json["id"]
    preview = staff.get(f"/api/staff/alerts/{alert_id}/audience").json
    # The traveler with no device is reached by email (every message, when there is no push).
    assert preview == {"travelers": 3, "devices": 3, "by_language": {"zh_Hans": 2, "en": 1},
                       "by_channel": {"webpush": 3, "email": 1}, "cost": {}}


def test_recipients_see_their_alerts_in_their_language(auth, create_trip, receiver):
    from tests.pushreceiver import make_subscription

    staff, _ = auth.staff("admin")
    phone = auth.client()
    auth.signup(phone, language="zh_Hans")
    create_trip(phone, {"country": "FR", "start_date": here()[4].isoformat(),
                        "end_date": here()[5].isoformat()})
    sub = make_subscription(receiver, "phone")
    assert phone.post("/api/devices", json=sub.as_json()).status_code == 201
    outsider = auth.client()
    auth.signup(outsider)
    alert = create_and_send(staff, alert_body())

    inbox = phone.get("/api/alerts")
    assert inbox.status_code == 200
    assert [(a["id"], a["headline"]) for a in inbox.json] == [(alert["id"], "请待在室内")]
    one = phone.get(f"/api/alerts/{alert['id']}")
    assert one.json["description"] == "市中心有抗议活动。" and one.json["clicked_at"] is None
    assert phone.post(f"/api/alerts/{alert['id']}/click").status_code == 204
    assert phone.get(f"/api/alerts/{alert['id']}").json["clicked_at"] is not None
    stats = staff.get(f"/api/staff/alerts/{alert['id']}/deliveries").json
    assert stats["clicked"] == 1 and stats["sent"] == 1
    assert outsider.get(f"/api/alerts/{alert['id']}").status_code == 404
    assert outsider.post(f"/api/alerts/{alert['id']}/click").status_code == 404
    assert outsider.get("/api/alerts").json == []
