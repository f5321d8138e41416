"""Sending queued SMS in the background: claim, send through the gateway, record; a
temporary refusal is tried again later, and a sweep picks up what a lost task left."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import and_, or_, select, update

from server.broadcast.tasks import by_delay
from server.celery_app import bound
from server.db import db, utcnow
from server.sms import outbox, services
from server.sms.gateway import SmsOut
from server.sms.models import SmsMessage


def claim(ids: list[int]) -> list[SmsMessage]:
    """Take the rows still to send (a re-delivered task finds nothing left to do), leased so
    that the sweep takes them again if this worker dies before recording."""
    now = utcnow()
    lease = now + timedelta(seconds=current_app.config["SMS_LEASE_SECONDS"])
    claimed = db.session.scalars(
        update(SmsMessage)
        .where(SmsMessage.id.in_(ids), SmsMessage.state.in_(("queued", "retry")))
        .values(state="sending", attempts=SmsMessage.attempts + 1, next_attempt_at=lease)
        .returning(SmsMessage.id).execution_options(synchronize_session=False)).all()
    db.session.commit()  # claimed before anything is sent
    return list(db.session.scalars(select(SmsMessage).where(SmsMessage.id.in_(claimed))
                                   .order_by(SmsMessage.id)))


@shared_task(name="sms.send")
def send_messages(ids: list[int]) -> None:
    rows = claim(ids)
    if not rows:
        return
    results = outbox.gateway().send(
        [SmsOut(r.id, r.to, r.text, outbox.dlr_url(r.id)) for r in rows])
    retries = services.record(results)
    db.session.commit()
    for countdown, retry_ids in by_delay(retries).items():
        bound(send_messages).apply_async((retry_ids,), countdown=countdown)


@shared_task(name="sms.sweep")
def sweep() -> None:
    """Re-enqueue messages whose task was lost: queued for a while, a retry overdue, or
    claimed by a worker that never recorded them (its lease ran out)."""
    now = utcnow()
    late = now - timedelta(seconds=120)
    ids = db.session.scalars(select(SmsMessage.id).where(or_(
        and_(SmsMessage.state == "queued", SmsMessage.created_at < late),
        and_(SmsMessage.state == "retry", SmsMessage.next_attempt_at < late),
        and_(SmsMessage.state == "sending", SmsMessage.next_attempt_at < now))).limit(5000)).all()
    if not ids:
        return
    # A lapsed claim is sent again: at least once, like a push whose worker died.
    db.session.execute(update(SmsMessage).where(SmsMessage.id.in_(ids),
                                                SmsMessage.state == "sending")
                       .values(state="retry").execution_options(synchronize_session=False))
    db.session.commit()
    for start in range(0, len(ids), 100):
        bound(send_messages).delay(list(ids[start:start + 100]))
