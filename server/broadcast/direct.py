"""Messages to one person (e.g. "your SOS was received"): every device of theirs, after the
caller's transaction commits, retried with the fan-out's backoff like any push."""
from __future__ import annotations

import json

from celery import shared_task
from flask import current_app
from sqlalchemy import delete, select

from server.celery_app import bound, enqueue_after_commit
from server.db import db, write_transaction
from server.devices.models import Device
from server.push import MAX_PAYLOAD, PushMessage

TTL_SECONDS = 24 * 3600


def send_to_person(user_id: int, kind: str, data: dict) -> None:
    """Push ``{"kind": kind, **data}`` to every device of a user once the caller's transaction
    commits. Keep ``data`` small (under 3 KB as JSON)."""
    enqueue_after_commit(deliver_direct, user_id, kind, data)


@shared_task(name="broadcast.direct")
def deliver_direct(user_id: int, kind: str, data: dict, device_ids: list[int] | None = None,
                   attempt: int = 1) -> None:
    """Send to the user's devices (or the ``device_ids`` still to do); gone subscriptions are
    removed, a 429/5xx/timeout is tried again after its own backoff, up to the fan-out's
    ``PUSH_MAX_ATTEMPTS``."""
    from server.broadcast.tasks import backoff, by_delay
    from server.devices.keys import sender

    payload = json.dumps({"kind": kind, **data}, ensure_ascii=False,
                         separators=(",", ":")).encode()
    if len(payload) > MAX_PAYLOAD:
        current_app.logger.error("push to user %s dropped: %d bytes", user_id, len(payload))
        return
    query = select(Device.id, Device.endpoint, Device.p256dh, Device.auth).where(
        Device.user_id == user_id)
    if device_ids is not None:
        query = query.where(Device.id.in_(device_ids))
    devices = db.session.execute(query).all()
    # Unchecked, like the fan-out's: a device whose endpoint or keys do not work (stored before
    # today's checks) then fails alone in the sender instead of raising here for all of them.
    messages = [PushMessage.unchecked(d.id, d.endpoint, d.p256dh, d.auth, payload,
                                      TTL_SECONDS, "high", None) for d in devices]
    results = sender().send(messages)
    retries = {}
    for result in results:
        if result.outcome == "retry" and attempt < current_app.config["PUSH_MAX_ATTEMPTS"]:
            retries[result.id] = backoff(attempt, result.retry_after)
        elif result.outcome in ("failed", "retry"):
            current_app.logger.warning("push %s to user %s, device %s failed: %s", kind,
                                       user_id, result.id, result.error or result.status)
    gone = [r.id for r in results if r.outcome == "gone"]
    if gone:
        write_transaction()  # the device read, held while sending, ends here
        db.session.execute(delete(Device).where(Device.id.in_(gone)))
    db.session.commit()
    for countdown, ids in by_delay(retries).items():
        bound(deliver_direct).apply_async((user_id, kind, data, ids, attempt + 1),
                                          countdown=countdown)
