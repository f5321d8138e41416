"""An open SOS left unacknowledged too long is escalated once: audited and published live.

``.run()``: the shared task called directly would enter the app built last (another test's).
"""
from datetime import timedelta

import pytest

from server.db import db, utcnow
from server.sos import tasks
from server.staff import services as staff
from tests.auth import STAFF_PASSWORD
from tests.conftest import mail_sent
from tests.sos.helpers import actions

pytestmark = pytest.mark.usefixtures("pushes")  # no test here may reach the real sender


def test_unacknowledged_case_older_than_the_limit_is_escalated_once(app, paris_case):
    _traveler, case = paris_case
    assert tasks.escalate.run() == 0  # just received
    case.received_at = utcnow() - timedelta(minutes=app.config["SOS_ESCALATE_AFTER_MINUTES"] + 1)
    db.session.flush()
    officer = staff.create_staff(email="duty@example.org", name="Duty Officer", role="officer",
                                 password=STAFF_PASSWORD, embassy_id=case.embassy_id)
    officer.language = "zh_Hans"
    viewer = staff.create_staff(email="viewer@example.org", name="Viewer", role="viewer",
                                password=STAFF_PASSWORD, embassy_id=case.embassy_id)
    with mail_sent(app) as mails:
        assert tasks.escalate.run() == 1
    assert tasks.escalate.run() == 0
    assert actions(case.id).count("sos.escalate") == 1
    # Every officer of the mission is mailed, in their console language; a viewer is not.
    [mail] = [m for m in mails if officer.email in str(m["To"])]
    assert not [m for m in mails if viewer.email in str(m["To"])]
    body = mail.get_content()
    assert f"/console/#/sos/{case.id}" in body and "Robbed" not in body
    assert "SOS" in str(mail["Subject"]) and "确认" in str(mail["Subject"])
