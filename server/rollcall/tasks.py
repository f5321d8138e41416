"""Sending a roll call (or a reminder): recipients and deliveries set-based, then the
broadcast's batched fan-out (retries, sweep, gone devices) does the pushing."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from server.broadcast.tasks import enqueue_pending
from server.db import db, utcnow
from server.rollcall import recipients
from server.rollcall.models import RollCall, RollCallMessage


@shared_task(name="rollcall.send")
def send(alert_id: int) -> None:
    """Materialize (idempotent: a re-run adds nothing) and fan out one roll-call push."""
    message = db.session.get(RollCallMessage, alert_id)
    if message is None:
        return
    rollcall = db.session.scalar(select(RollCall).where(RollCall.alert_id == message.thread_id))
    if rollcall is None or rollcall.state == "closed":
        return
    asked = 0
    if message.id == rollcall.alert_id:
        asked = recipients.materialize(rollcall, message)
    pushes = recipients.materialize_deliveries(rollcall, message)
    if message.state != "sent":
        message.state, message.sent_at = "sent", message.sent_at or utcnow()
    if rollcall.state == "sending":
        rollcall.state = "open"
    db.session.commit()
    current_app.logger.info("roll call %s (message %s): %s recipients, %s pushes", rollcall.id,
                            alert_id, asked, pushes)
    enqueue_pending(alert_id)


@shared_task(name="rollcall.escalate")
def escalate() -> int:
    """Chase the recipients of open roll calls who have not answered: after
    ``ROLLCALL_ESCALATE_AFTER_MINUTES`` the first channel of ``ROLLCALL_ESCALATION_CHANNELS``
    (SMS), after twice that the next (email, once registered)... Someone who answered is not
    chased; a channel already used for a person adds nothing (idempotent, every minute)."""
    from server.broadcast.channels import CHANNELS

    cfg = current_app.config
    steps = [c for c in cfg["ROLLCALL_ESCALATION_CHANNELS"]
             if hasattr(CHANNELS.get(c), "reachable")]
    now, added = utcnow(), 0
    open_ones = db.session.execute(
        select(RollCall, RollCallMessage).join(RollCallMessage, RollCall.message)
        .where(RollCall.state == "open", RollCallMessage.sent_at.is_not(None))).all()
    for rollcall, message in open_ones:
        waited = now - message.sent_at
        due = [channel for step, channel in enumerate(steps, 1)
               if waited >= timedelta(minutes=cfg["ROLLCALL_ESCALATE_AFTER_MINUTES"] * step)]
        new = sum(recipients.escalate(rollcall, message, channel) for channel in due)
        db.session.commit()
        if new:
            enqueue_pending(message.id)
        added += new
    return added
