"""Web Push: each delivery's device subscription, the payload in the delivery's language,
pushed by the pooled sender (``server/push``)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from server.broadcast import kinds
from server.broadcast.models import Message
from server.db import among, db
from server.devices.models import Device
from server.push import PushMessage, check_fields
from server.push.message import MAX_TTL
from server.sending import SendResult, failed


def ttl(message: Message, now: datetime) -> int:
    """Keep the message at the push service until it expires (a phone may be off)."""
    return max(0, min(MAX_TTL, int((message.expires - now).total_seconds())))


# Pushed with Urgency: high (RFC 8030: delivered even to a phone saving its battery).
URGENT_SEVERITIES = ("Extreme", "Severe")


def urgency(message: Message) -> str:
    return "high" if message.severity in URGENT_SEVERITIES else "normal"


def topic(message: Message) -> str:
    """A newer message of the same thread replaces one still queued at the push service."""
    return f"alert-{message.thread_id}"


def send(message: Message, rows, now: datetime) -> list[SendResult]:
    """Push to the devices of ``rows``; a row whose device was removed is "gone"."""
    from server.devices.keys import sender

    subscriptions = _subscriptions({row.device_id for row in rows} - {None})
    common = {"ttl": ttl(message, now), "urgency": urgency(message), "topic": topic(message)}
    present = [row for row in rows if row.device_id in subscriptions]
    bodies = _bodies(message, {row.language for row in present}, common)
    messages, results = [], [SendResult(row.id, None, "gone", None, "device removed")
                              for row in rows if row.device_id not in subscriptions]
    for row in present:
        body, sub = bodies[row.language], subscriptions[row.device_id]
        if isinstance(body, Exception):
            results.append(failed(row.id, "payload", body))
        else:
            messages.append(PushMessage.unchecked(row.id, sub.endpoint, sub.p256dh, sub.auth,
                                                  body, **common))
    return sender().send(messages) + results


def _subscriptions(device_ids: set[int]) -> dict:
    if not device_ids:
        return {}
    devices = Device.__table__
    return {row.id: row for row in db.session.execute(
        select(devices.c.id, devices.c.endpoint, devices.c.p256dh, devices.c.auth)
        .where(among(devices.c.id, device_ids)))}


def _bodies(message: Message, languages, common: dict) -> dict[str, bytes | Exception]:
    """The payload in each language, checked once per batch (endpoints and keys were checked
    on subscribe, and the sender fails a bad one alone). A language whose payload cannot be
    built gets the error instead: its rows fail with it, the others still go out."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    bodies: dict[str, bytes | Exception] = {}
    for language in languages:
        try:
            body = kinds.payload(message, language, default)
            check_fields(body, **common)
            bodies[language] = body
        except Exception as exc:  # one bad text must not keep the batch's others pending
            current_app.logger.exception("message %s: no %s payload", message.id, language)
            bodies[language] = exc
    return bodies
