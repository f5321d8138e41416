"""Staff accounts from the CLI and the jurisdiction checks every staff feature relies on."""
from sqlalchemy import select

from server.accounts.models import User
from server.audit.models import AuditEvent
from server.db import db
from server.staff import scope


def _staff(app, *args):
    result = app.test_cli_runner().invoke(args=["staff", "create", *args,
                                                "--password", "a long staff password"])
    return result


def test_cli_creates_an_officer_bound_to_a_mission_and_audits_it(app, create_mission):
    create_mission("us-la", "US", ["US-CA"], kind="consulate_general")
    result = _staff(app, "--email", "Officer@example.org", "--name", "Zhang", "--role", "officer",
                    "--embassy", "us-la")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    assert user.role == "officer" and user.embassy_id is not None
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.target_id == str(user.id))) == "staff.create"


def test_cli_refuses_officer_without_mission(app):
    result = _staff(app, "--email", "x@example.org", "--name", "X", "--role", "officer")
    assert result.exit_code != 0 and "--embassy" in result.output


def test_officer_scope_covers_only_the_missions_areas(app, create_mission):
    embassy = create_mission("us-dc", "US", ["US"])
    consulate = create_mission("us-la", "US", ["US-CA"], kind="consulate_general")
    officer = User(role="officer", embassy_id=consulate.id)
    assert scope.covers(officer, "US", "US-CA")
    assert not scope.covers(officer, "US", "US-TX") and not scope.covers(officer, "FR")
    ambassador = User(role="officer", embassy_id=embassy.id)
    assert scope.covers(ambassador, "US", "US-TX") and scope.covers(ambassador, "US")
    assert scope.covers(User(role="admin"), "FR")
    assert not scope.covers(User(role="officer", embassy_id=None), "US")
