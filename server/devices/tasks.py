"""Background pushes to one user's devices (e.g. an SOS acknowledgement)."""
from __future__ import annotations

import json

from celery import shared_task
from flask import current_app
from sqlalchemy import delete, select

from server.db import db
from server.devices.models import Device
from server.push import MAX_PAYLOAD, PushMessage


@shared_task(name="devices.push_to_user")
def push_to_user(user_id: int, kind: str, data: dict) -> None:
    """Send one message to every device of the user; gone subscriptions are removed."""
    from server.devices.keys import sender

    payload = json.dumps({"kind": kind, **data}, ensure_ascii=False,
                         separators=(",", ":")).encode()
    if len(payload) > MAX_PAYLOAD:
        current_app.logger.error("push to user %s dropped: %d bytes", user_id, len(payload))
        return
    devices = db.session.execute(select(Device.id, Device.endpoint, Device.p256dh, Device.auth)
                                 .where(Device.user_id == user_id)).all()
    # Unchecked, like the fan-out's: a device whose endpoint or keys do not work (stored before
    # today's checks) then fails alone in the sender instead of raising here for all of them.
    messages = [PushMessage.unchecked(d.id, d.endpoint, d.p256dh, d.auth, payload,
                                      24 * 3600, "high", None) for d in devices]
    results = sender().send(messages)
    for result in results:
        if result.outcome == "failed":
            current_app.logger.warning("push to user %s, device %s failed: %s", user_id,
                                       result.id, result.error)
    gone = [r.id for r in results if r.outcome == "gone"]
    if gone:
        db.session.execute(delete(Device).where(Device.id.in_(gone)))
    db.session.commit()
