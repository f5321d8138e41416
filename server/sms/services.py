"""Outgoing SMS: who may receive one, queueing, recording each send's outcome, and delivery
reports. Services flush; the caller (request or task) commits."""
from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, select, update

from server.accounts.models import User
from server.broadcast.models import Delivery
from server.celery_app import enqueue_after_commit
from server.db import db, utcnow
from server.refusals import NotFound
from server.sending import SendResult
from server.sms.encoding import measure, shorten
from server.sms.models import FINAL_STATES, SmsMessage


def sms_reachable(user: User) -> bool:
    """Whether ``user`` may be sent anything but a verification code: a proven number only
    (an unproven one may be someone else's)."""
    return bool(user.phone) and user.phone_verified_at is not None


def reachable_condition():
    """``sms_reachable`` as a SQL condition on ``users``, for the broadcast's audience."""
    return and_(User.phone.is_not(None), User.phone_verified_at.is_not(None))


def queue(to: str, text: str, kind: str, *, user_id: int | None = None,
          ref: str | None = None, delivery_id: int | None = None,
          link: str | None = None) -> SmsMessage:
    """Store one SMS (shortened to ``SMS_MAX_SEGMENTS`` with ``link``) and send it once the
    caller's transaction commits."""
    text = shorten(text, current_app.config["SMS_MAX_SEGMENTS"], link)
    m = measure(text)
    row = SmsMessage(to=to, text=text, kind=kind, encoding=m.encoding, segments=m.segments,
                     state="queued", attempts=0, user_id=user_id, ref=ref,
                     delivery_id=delivery_id)
    db.session.add(row)
    db.session.flush()
    from server.sms.tasks import send_messages

    enqueue_after_commit(send_messages, [row.id])
    return row


def retry_delay(attempts: int, retry_after: float | None) -> float:
    cfg = current_app.config
    delay = cfg["SMS_RETRY_BASE_SECONDS"] * 2 ** max(0, attempts - 1)
    return min(cfg["SMS_RETRY_MAX_SECONDS"], max(delay, retry_after or 0))


def record(results: list[SendResult]) -> dict[int, float]:
    """Write each send's outcome on its row; returns the ids to try again with their delay.

    Only rows still "sending" change: a delivery report that arrived first stays."""
    now, retries = utcnow(), {}
    max_attempts = current_app.config["SMS_MAX_ATTEMPTS"]
    for result in results:
        row = db.session.get(SmsMessage, result.id)
        values = {"gateway_status": result.status, "error": (result.error or None)}
        if result.outcome == "sent":
            values.update(state="sent", sent_at=now, next_attempt_at=None, error=None)
        elif result.outcome == "retry" and row.attempts < max_attempts:
            delay = retry_delay(row.attempts, result.retry_after)
            values.update(state="retry", next_attempt_at=now + timedelta(seconds=delay))
            retries[row.id] = delay
        else:
            values.update(state="failed", done_at=now, next_attempt_at=None)
            current_app.logger.warning("sms %s to %s failed: %s", row.id, row.kind,
                                       result.error or result.status)
        if values.get("error"):
            values["error"] = values["error"][:300]
        db.session.execute(update(SmsMessage).where(SmsMessage.id == row.id,
                                                    SmsMessage.state == "sending")
                           .values(**values).execution_options(synchronize_session=False))
    return retries


# Kannel's delivery report types (%d): what each does to the message.
DLR_DELIVERED, DLR_UNDELIVERED, DLR_BUFFERED, DLR_SMSC_ACK, DLR_SMSC_REJECT = 1, 2, 4, 8, 16
_STAT = re.compile(r"\bstat:(\w+)", re.IGNORECASE)
_ERR = re.compile(r"\berr:(\w+)", re.IGNORECASE)


def _operator_code(answer: str) -> str | None:
    """The operator's code from an SMPP receipt (``stat:EXPIRED err:027``) or its text."""
    stat, err = _STAT.search(answer), _ERR.search(answer)
    if stat or err:
        return " ".join(x for x in (stat and stat.group(1).upper(),
                                    err and f"err:{err.group(1)}") if x)[:64]
    return answer[:64] or None


def _final_state(status: int, answer: str) -> str | None:
    if status == DLR_DELIVERED:
        return "delivered"
    if status == DLR_UNDELIVERED:
        stat = _STAT.search(answer)
        return "expired" if stat and stat.group(1).upper() == "EXPIRED" else "failed"
    if status == DLR_SMSC_REJECT:
        return "failed"
    return None  # accepted or buffered by the SMSC: still on its way


def delivery_report(message_id: int, status: int, answer: str, smsc_id: str,
                    delivery: bool = False) -> None:
    """Apply one delivery report to a direct SMS (``sms_messages``) or, with ``delivery``, to
    a broadcast delivery on the SMS channel (``deliveries``): delivered, failed or expired are
    final (a late "accepted by the SMSC" never reopens them); the operator's code is kept.
    One conditional UPDATE, so two reports arriving at once cannot undo each other."""
    table = Delivery if delivery else SmsMessage
    if db.session.get(table, message_id) is None:
        raise NotFound()
    code, state = _operator_code(answer), _final_state(status, answer)
    values = _broadcast_report(status, code, state, answer) if delivery else _direct_report(
        status, code, state, answer, smsc_id)
    if values:
        db.session.execute(update(table).where(table.id == message_id,
                                               table.state.not_in(FINAL_STATES))
                           .values(**values).execution_options(synchronize_session=False))


def _direct_report(status, code, state, answer, smsc_id) -> dict:
    values = {"dlr_status": status}
    if code:
        values["dlr_code"] = code
    if smsc_id:
        values["gateway_id"] = smsc_id[:64]
    if state:
        values.update(state=state, done_at=utcnow(), next_attempt_at=None)
        if state != "delivered":
            values["error"] = (answer or f"DLR {status}")[:300]
    else:  # accepted or buffered: sent, even if the report outran the sender's own record
        values["state"] = "sent"
    return values


def _broadcast_report(status, code, state, answer) -> dict:
    """A delivery keeps the operator's code in its ``error`` (its reason when it failed)."""
    if not state:  # accepted or buffered: the delivery is already "sent"
        return {}
    return {"state": state, "last_status": status, "next_attempt_at": None,
            "error": code if state == "delivered" else (answer or f"DLR {status}")[:300]}


def recent_to(number: str, kind: str, minutes: int) -> bool:
    """Whether an SMS of ``kind`` went to ``number`` in the last ``minutes``."""
    since = utcnow() - timedelta(minutes=minutes)
    return db.session.scalar(select(SmsMessage.id).where(
        SmsMessage.to == number, SmsMessage.kind == kind,
        SmsMessage.created_at >= since).limit(1)) is not None
