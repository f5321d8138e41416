"""Email: each delivery's user, the message composed in the delivery's language
(``server/mail/compose.py``), sent on the process's kept SMTP connection."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from server.accounts.models import User
from server.broadcast.models import Message
from server.db import among, db
from server.mail import email_reachable, outbox
from server.mail.compose import compose
from server.sending import SendResult, failed

NO_ADDRESS = "no address the alerts may go to"


def reachable():
    """Who may get a message by email (SQL condition on ``users``): ``email_reachable``."""
    return email_reachable()


def send(message: Message, rows, now: datetime) -> list[SendResult]:
    """Mail each row's user; a row whose user has no reachable address fails alone."""
    users = _reachable({row.user_id for row in rows})
    items, results = [], []
    for row in rows:
        user = users.get(row.user_id)
        if user is None:
            results.append(SendResult(row.id, None, "failed", None, NO_ADDRESS))
            continue
        try:
            items.append((row.id, compose(message, user, row.language)))
        except Exception as exc:  # one bad text or address must not keep the others
            current_app.logger.exception("message %s: no email for delivery %s",
                                         message.id, row.id)
            results.append(failed(row.id, "compose", exc))
    return outbox.transport().send_many(items) + results


def _reachable(user_ids: set[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    return {u.id: u for u in db.session.scalars(
        select(User).where(among(User.id, user_ids), email_reachable()))}
