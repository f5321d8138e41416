"""Every kind of message is a row of one table, loaded as its own class: a query of one kind
never finds another, the pipeline's ``Message`` finds them all."""
from datetime import timedelta

from sqlalchemy import select

from server.alerts.models import Alert
from server.broadcast.models import Message, MessageArea, MessageText
from server.db import db, utcnow
from server.rollcall.models import RollCallMessage


def _messages():
    now = utcnow()
    common = {"severity": "Severe", "effective": now, "expires": now + timedelta(hours=1),
              "state": "sent", "sent_at": now}
    alert = Alert(sender="s@example.org", status="Actual", category="Met", event="Storm",
                  urgency="Immediate", certainty="Likely", **common)
    question = RollCallMessage(**common)
    for message in (alert, question):
        message.texts = [MessageText(language="en", headline="Hi", description="Text.")]
        message.areas = [MessageArea(kind="country", code="FR")]
    db.session.add_all([alert, question])
    db.session.flush()
    ids = alert.id, question.id
    db.session.expunge_all()
    return ids


def test_a_query_of_one_kind_never_finds_another(app):
    alert_id, question_id = _messages()
    assert db.session.get(Alert, question_id) is None
    assert db.session.get(RollCallMessage, alert_id) is None
    assert set(db.session.scalars(select(Alert.id))) == {alert_id}
    loaded = {m.id: type(m) for m in db.session.scalars(select(Message))}
    assert loaded == {alert_id: Alert, question_id: RollCallMessage}


def test_a_roll_call_keeps_no_cap_fields_and_picks_its_own_channels(app):
    alert_id, question_id = _messages()
    row = db.session.execute(select(Message.__table__).where(
        Message.__table__.c.id == question_id)).one()
    assert (row.kind, row.category, row.event, row.sender) == ("rollcall", "", "", "")
    assert db.session.get(Message, question_id).selection_key == "rollcall"
    assert db.session.get(Message, alert_id).selection_key == "Severe"
