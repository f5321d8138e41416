"""The audit log: admins search it; nothing in the app can change or delete a row."""
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from server.accounts.models import User
from server.audit import services as audit
from server.audit.models import AuditEvent, AuditLogIsAppendOnly
from server.db import db
from tests.auth import TEST_PASSWORD

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.fixture
def events(app):
    """A small log: three actions by two actors, one of them yesterday."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    made = [
        AuditEvent(actor_id=None, actor_label="a@example.org", action="sos.view",
                   target_type="sos_cases", target_id="7", details={}, created_at=yesterday),
        AuditEvent(actor_id=None, actor_label="a@example.org", action="sos.acknowledge",
                   target_type="sos_cases", target_id="7", details={}),
        AuditEvent(actor_id=None, actor_label="b@example.org", action="traveler.view",
                   target_type="users", target_id="3", details={}),
    ]
    db.session.add_all(made)
    db.session.flush()
    return made


def _search(client, **query):
    response = client.get("/api/staff/audit", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def _ids(page):
    return [e["id"] for e in page["events"]]


def test_admin_searches_by_actor_action_target_and_time(auth, events):
    admin, user = auth.staff("admin")
    view, ack, traveler = (e.id for e in events)
    assert _ids(_search(admin, actor="a@example.org")) == [ack, view]
    assert _ids(_search(admin, actor="A@Example.org", action="sos.view")) == [view]
    assert _ids(_search(admin, action="sos.*")) == [ack, view]
    assert _ids(_search(admin, target_type="users", target_id="3")) == [traveler]
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert _ids(_search(admin, actor="a@example.org", since=since)) == [ack]
    assert _ids(_search(admin, actor="a@example.org", until=since)) == [view]
    mine = _search(admin, actor=str(user.id))["events"]
    assert {e["action"] for e in mine} >= {"staff.sign_in", "audit.search"}
    event = _search(admin, target_id="3")["events"][0]
    assert set(event) == {"id", "created_at", "actor_id", "actor_label", "action",
                          "target_type", "target_id", "embassy_id", "details", "address"}


def test_pages_go_back_by_id(auth, events):
    admin, _ = auth.staff("admin")
    first = _search(admin, actor="a@example.org", limit=1)
    assert _ids(first) == [events[1].id] and first["next_before_id"] == events[1].id
    second = _search(admin, actor="a@example.org", limit=1, before_id=first["next_before_id"])
    assert _ids(second) == [events[0].id]
    third = _search(admin, actor="a@example.org", limit=1, before_id=second["next_before_id"])
    assert third == {"events": [], "next_before_id": None}


def test_searching_the_log_is_itself_logged(auth, events):
    admin, user = auth.staff("admin")
    _search(admin, target_type="users", action="traveler.view")
    logged = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "audit.search", AuditEvent.actor_id == user.id))
    assert logged.details == {"filters": {"target_type": "users", "action": "traveler.view",
                                          "limit": 50}}
    assert logged.target_type is None


def test_bad_search_arguments_are_refused(auth):
    admin, _ = auth.staff("admin")
    assert admin.get("/api/staff/audit?limit=0").status_code == 422
    assert admin.get("/api/staff/audit?since=yesterday").status_code == 422


def test_no_endpoint_changes_the_log(auth, events):
    admin, _ = auth.staff("admin")
    for method in ("post", "put", "patch", "delete"):
        assert getattr(admin, method)("/api/staff/audit").status_code == 405
        assert getattr(admin, method)(f"/api/staff/audit/{events[0].id}").status_code in (
            404, 405)


def test_the_orm_refuses_to_change_or_delete_events(app, events):
    with pytest.raises(AuditLogIsAppendOnly), db.session.begin_nested():
        events[0].action = "nothing.happened"
        db.session.flush()
    with pytest.raises(AuditLogIsAppendOnly), db.session.begin_nested():
        db.session.delete(events[1])
        db.session.flush()
    for statement in (update(AuditEvent).values(action="x"), delete(AuditEvent),
                      delete(AuditEvent.__table__)):
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(statement)
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.id == events[0].id)) == "sos.view"


@pytest.mark.skipif(not POSTGRES, reason="TEST_DATABASE_URL is not set")
def test_postgres_refuses_update_and_delete_even_in_raw_sql(app, events):
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events",
                      "TRUNCATE audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.connection().execute(text(statement))
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.id == events[0].id)) == "sos.view"


def test_deleting_an_account_keeps_its_events(client, auth):
    """ON DELETE SET NULL is the one change the PostgreSQL trigger lets through."""
    user = auth.signup(client)
    audit.record(db.session.get(User, user["id"]), "test.event")
    assert client.delete("/api/me", json={"password": TEST_PASSWORD}).status_code == 204
    kept = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test.event"))
    assert kept.actor_id is None and kept.actor_label == user["email"]


def test_the_privileged_purge_path_deletes(app, events):
    assert audit.purge(AuditEvent.actor_label == "b@example.org") == 1
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.actor_label == "b@example.org")) is None
