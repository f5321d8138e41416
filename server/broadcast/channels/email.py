"""Email: each delivery's user, the message in the delivery's language (written once per
language for the whole batch and addressed to each recipient: ``server/mail/bulk.py``), sent
on the process's kept SMTP connection."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from server.accounts.models import User
from server.broadcast.models import Message
from server.db import among, db
from server.mail import email_reachable, outbox
from server.mail.bulk import Prepared
from server.sending import SendResult, failed

NO_ADDRESS = "no address the alerts may go to"


def reachable():
    """Who may get a message by email (SQL condition on ``users``): ``email_reachable``."""
    return email_reachable()


def send(message: Message, rows, now: datetime) -> list[SendResult]:
    """Mail each row's user; a row whose user has no reachable address, or whose message
    cannot be written (its language's text, its address), fails alone."""
    users = _reachable({row.user_id for row in rows})
    prepared: dict[str, Prepared | Exception] = {}
    items, results = [], []
    for row in rows:
        user = users.get(row.user_id)
        if user is None:
            results.append(SendResult(row.id, None, "failed", None, NO_ADDRESS))
            continue
        if row.language not in prepared:
            prepared[row.language] = _prepare(message, row.language, now)
        template = prepared[row.language]
        if isinstance(template, Exception):
            results.append(failed(row.id, "compose", template))
            continue
        try:
            items.append((row.id, template.wire(user)))
        except Exception as exc:  # one recipient who cannot be written must not keep the others
            current_app.logger.exception("message %s: no email for delivery %s",
                                         message.id, row.id)
            results.append(failed(row.id, "compose", exc))
    return outbox.transport().send_many(items) + results


def _prepare(message: Message, language: str, now: datetime) -> Prepared | Exception:
    """The message in ``language``, or the error that kept it from being written (its rows
    fail with it, the other languages' go out)."""
    try:
        return Prepared(message, language, now)
    except Exception as exc:  # noqa: BLE001  (logged once, recorded on each of its rows)
        current_app.logger.exception("message %s: no %s email", message.id, language)
        return exc


def _reachable(user_ids: set[int]) -> dict:
    """id → (id, email, name) of the users among ``user_ids`` the alerts may reach."""
    if not user_ids:
        return {}
    return {u.id: u for u in db.session.execute(
        select(User.id, User.email, User.name).where(among(User.id, user_ids),
                                                     email_reachable()))}
