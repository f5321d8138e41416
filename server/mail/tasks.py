"""Email to one person (a confirmation link, a reset link, a notice): sent after the caller's
transaction commits, a 4xx or an unreachable server retried with the fan-out's backoff, like a
direct push (``server/broadcast/direct.py``)."""
from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from celery import shared_task
from flask import current_app

from server.celery_app import bound, enqueue_after_commit


def send_later(message: EmailMessage) -> None:
    """Send ``message`` once the caller's transaction commits (not at all if it rolls back)."""
    enqueue_after_commit(send_direct, message.as_string(policy=policy.SMTP))


@shared_task(name="mail.send_direct")
def send_direct(raw: str, attempt: int = 1) -> None:
    from server.broadcast.tasks import backoff
    from server.mail import outbox

    message = BytesParser(policy=policy.default).parsebytes(raw.encode())
    (result,) = outbox.transport().send_many([(str(message["Message-ID"]), message)])
    if result.outcome == "retry" and attempt < current_app.config["MAIL_MAX_ATTEMPTS"]:
        bound(send_direct).apply_async((raw, attempt + 1),
                                       countdown=backoff(attempt, result.retry_after))
    elif result.outcome != "sent":
        current_app.logger.warning("email %s failed: %s", result.id, result.error)
