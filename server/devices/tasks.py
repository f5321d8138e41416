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
    messages = [PushMessage(id=d.id, endpoint=d.endpoint, p256dh=d.p256dh, auth=d.auth,
                            payload=payload, ttl=24 * 3600, urgency="high") for d in devices]
    gone = [r.id for r in sender().send(messages) if r.outcome == "gone"]
    if gone:
        db.session.execute(delete(Device).where(Device.id.in_(gone)))
    db.session.commit()
