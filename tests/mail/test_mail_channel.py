"""The email channel in the broadcast pipeline: delivery rows with channel "email" (made here;
choosing who gets email is the pipeline's), sent by the batch task to the SMTP sink."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from server.accounts.models import User
from server.alerts.models import Alert
from server.broadcast.models import Delivery, MessageText
from server.broadcast.tasks import deliver_batch
from server.db import db, utcnow
from server.embassies.models import Embassy
from server.rollcall.models import RollCallMessage


def _user(language="en", verified=True):
    user = User(email=f"m-{uuid.uuid4().hex[:8]}@example.org", password_hash="x",
                name="Traveler", language=language, role="traveler",
                email_verified_at=utcnow() if verified else None)
    db.session.add(user)
    db.session.flush()
    return user


def _alert(kind="alert", severity="Severe", references=None, msg_type="Alert"):
    embassy = db.session.scalar(select(Embassy).limit(1))
    message = dict(embassy_id=embassy.id if embassy else None, msg_type=msg_type,
                   references_id=references.id if references else None, severity=severity,
                   effective=utcnow(), expires=utcnow() + timedelta(hours=6), state="sent")
    alert = RollCallMessage(**message) if kind == "rollcall" else Alert(
        identifier=uuid.uuid4().hex, sender="s@example.org", status="Actual", category="Safety",
        event="Flood", urgency="Immediate", certainty="Likely", **message)
    alert.texts = [MessageText(language="en", headline="River flooding",
                               description="Stay away from the river."),
                   MessageText(language="ar", headline="فيضان النهر",
                               description="ابتعد عن النهر.")]
    db.session.add(alert)
    db.session.flush()
    return alert


def _deliveries(alert, users):
    rows = [Delivery(alert_id=alert.id, user_id=u.id, channel="email", language=u.language,
                     next_attempt_at=utcnow() - timedelta(seconds=5)) for u in users]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def test_alert_by_email_one_poisoned_row_fails_alone(app, app_mail):
    users = [_user(), _user("ar"), _user(), _user(verified=True)]
    app_mail.faults[users[2].email] = [550, 550, 550, 550, 550]
    alert = _alert()
    ids = _deliveries(alert, users)
    deliver_batch.run(alert.id, ids)
    states = {d.user_id: (d.state, d.error) for d in db.session.scalars(
        select(Delivery).where(Delivery.id.in_(ids)))}
    assert states[users[2].id] == ("failed", "550 5.1.1 no such user")
    assert {states[u.id][0] for u in (users[0], users[1], users[3])} == {"sent"}
    received = {r[0]: m for r, m in app_mail.messages}
    assert set(received) == {users[0].email, users[1].email, users[3].email}
    english, arabic = received[users[0].email], received[users[1].email]
    assert english["Subject"] == "[Severe] River flooding"
    assert "Stay away from the river." in english.get_body(("plain",)).get_content()
    assert english["List-Unsubscribe"]
    html = arabic.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and 'lang="ar"' in html and "فيضان النهر" in arabic["Subject"]
    assert f"/#/alerts/{alert.id}" in english.get_body(("plain",)).get_content()


def test_an_update_threads_under_the_original_and_a_roll_call_has_no_unsubscribe(
        app, app_mail):
    user = _user()
    original = _alert()
    update = _alert(references=original, msg_type="Update")
    rollcall = _alert(kind="rollcall")
    for alert in (original, update, rollcall):
        deliver_batch.run(alert.id, _deliveries(alert, [user]))
    first, second, third = (m for _, m in app_mail.messages)
    assert second["In-Reply-To"] == first["Message-ID"] == second["References"]
    assert "List-Unsubscribe" not in third


def test_an_unverified_address_of_someone_without_another_channel_is_reachable(app, app_mail):
    user = _user(verified=False)
    alert = _alert()
    (delivery_id,) = _deliveries(alert, [user])
    deliver_batch.run(alert.id, [delivery_id])
    assert db.session.get(Delivery, delivery_id).state == "sent"


def test_a_451_leaves_the_delivery_pending_for_a_retry_then_it_is_sent(app, app_mail):
    user = _user()
    app_mail.faults[user.email] = [451]
    alert = _alert()
    (delivery_id,) = _deliveries(alert, [user])
    # Eager tasks: the retry runs at once and finds the delivery not due yet (its backoff).
    deliver_batch.run(alert.id, [delivery_id])
    delivery = db.session.get(Delivery, delivery_id)
    db.session.refresh(delivery)
    assert (delivery.state, delivery.last_status) == ("pending", 451)
    assert "try again later" in delivery.error and not app_mail.messages
    delivery.next_attempt_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    deliver_batch.run(alert.id, [delivery_id])
    db.session.refresh(delivery)
    assert delivery.state == "sent" and len(app_mail.messages) == 1


def test_a_language_whose_message_cannot_be_written_fails_alone(app, app_mail):
    """The batch writes each language's message once: a headline that would inject a header
    fails that language's deliveries (reason kept), the other language's still go out."""
    users = [_user(), _user("ar"), _user("ar")]
    alert = _alert()
    arabic = next(t for t in alert.texts if t.language == "ar")
    arabic.headline = "فيضان\r\nBcc: everyone@example.org"
    ids = _deliveries(alert, users)
    deliver_batch.run(alert.id, ids)
    states = {d.user_id: (d.state, d.error or "") for d in db.session.scalars(
        select(Delivery).where(Delivery.id.in_(ids)))}
    assert states[users[0].id] == ("sent", "")
    for user in users[1:]:
        state, error = states[user.id]
        assert state == "failed" and "HeaderInjection" in error
    assert [r for r, _m in app_mail.messages] == [[users[0].email]]
