"""An open SOS left unacknowledged too long is escalated once: audited and published live.

``.run()``: the shared task called directly would enter the app built last (another test's).
"""
from datetime import timedelta

from server.db import db, utcnow
from server.sos import tasks
from tests.sos.test_sos_staff import _actions, paris_case, pushes  # noqa: F401  (fixtures)


def test_unacknowledged_case_older_than_the_limit_is_escalated_once(app, paris_case):  # noqa: F811
    _traveler, case = paris_case
    assert tasks.escalate.run() == 0  # just received
    case.received_at = utcnow() - timedelta(minutes=app.config["SOS_ESCALATE_AFTER_MINUTES"] + 1)
    db.session.flush()
    assert tasks.escalate.run() == 1
    assert tasks.escalate.run() == 0
    assert _actions(case.id).count("sos.escalate") == 1
