"""The mission scope of staff lists is one rule (server/staff/scope.py: mission_filter)."""
from __future__ import annotations

from sqlalchemy import update

from server.accounts.models import User
from server.db import db
from tests.alerts.helpers import alert_body


def test_staff_member_whose_mission_is_gone_sees_no_mission_less_alert(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    admin, _ = auth.staff("admin")
    created = admin.post("/api/staff/alerts", json=alert_body())
    assert created.status_code == 201 and created.json["embassy_id"] is None
    officer, user = auth.staff("officer", "fr-paris")
    db.session.execute(update(User).where(User.id == user.id).values(embassy_id=None))

    listed = officer.get("/api/staff/alerts")
    assert listed.status_code == 200 and listed.json == []
    assert officer.get(f"/api/staff/alerts/{created.json['id']}").status_code == 404
    assert officer.get("/api/staff/rollcalls").json == []
    assert officer.get("/api/staff/sos").json == []
