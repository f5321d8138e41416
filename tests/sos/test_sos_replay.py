"""A replayed SOS: the same client_uuid makes one case; a changed message reaches staff once."""
from sqlalchemy import func, select

from server.audit.models import AuditEvent
from server.db import db
from server.sos.models import SosCase, SosFollowUp
from tests.sos.helpers import sos_body


def _follow_ups() -> list[str]:
    return list(db.session.scalars(select(SosFollowUp.text).order_by(SosFollowUp.id)))


def _staff_notes(auth, case_id):
    staff, _ = auth.staff("admin")
    return staff.get(f"/api/staff/sos/{case_id}").json["notes"]


def test_an_identical_replay_changes_nothing(client, auth):
    auth.signup(client)
    body = sos_body(message="Lost my passport")
    first = client.post("/api/sos", json=body)
    for _ in range(2):
        replay = client.post("/api/sos", json=body)
        assert replay.status_code == 200 and replay.json == first.json
    assert _follow_ups() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "sos.follow_up")) == 0


def test_a_replay_with_a_new_message_adds_it_once_as_a_follow_up(client, auth):
    auth.signup(client)
    body = sos_body(message="Lost my passport")
    client.post("/api/sos", json=body)
    changed = {**body, "message": "Now at the police station on Rue X"}
    for _ in range(3):
        replay = client.post("/api/sos", json=changed)
        assert replay.status_code == 200
        assert replay.json["message"] == "Lost my passport"  # the case's own message stays
    assert client.post("/api/sos", json=body).status_code == 200  # the first text: no-op
    assert _follow_ups() == ["Now at the police station on Rue X"]
    case_id = db.session.scalar(select(SosCase.id))
    notes = _staff_notes(auth, case_id)
    assert [(n["text"], n["from_traveler"]) for n in notes] == [
        ("Now at the police station on Rue X", True)]
    assert notes[0]["author_name"] == client.get("/api/me").json["name"]


def test_a_replay_adds_the_message_a_case_without_one_lacked(client, auth):
    auth.signup(client)
    body = sos_body()
    client.post("/api/sos", json=body)
    replay = client.post("/api/sos", json={**body, "message": "Broken leg"})
    assert replay.status_code == 200 and replay.json["message"] == "Broken leg"
    assert _follow_ups() == []
