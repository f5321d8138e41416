"""Device rules: register by endpoint, the latest consented position, pushes to one user."""
from __future__ import annotations

import hmac
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from server.accounts.models import User
from server.db import db, utcnow
from server.devices.models import Device
from server.devices.schemas import DeviceOut
from server.geo import country_at
from server.push.crypto import b64url_decode
from server.refusals import Conflict, Forbidden, NotFound


def register(user: User, data: dict, user_agent: str | None) -> tuple[Device, bool]:
    """Create the device, or update the one with this endpoint (a browser re-subscribing).
    Returns (device, created).

    Another user's device moves to this one only on proof that the caller holds the
    subscription: its keys (a browser re-registering it after someone else signed in on it
    sends them). Knowing the endpoint is not enough, so without them: 409, nothing changed.
    """
    device = db.session.scalar(select(Device).where(Device.endpoint == data["endpoint"]))
    created = device is None
    if created:
        device = Device(endpoint=data["endpoint"])
        db.session.add(device)
    elif device.user_id != user.id:
        if not _same_keys(device, data["keys"]):
            raise Conflict()  # the generic message: whose device it is stays unsaid
        device.forget_position()  # a fix belongs to the person who consented to share it
    device.user_id = user.id
    device.p256dh = data["keys"]["p256dh"]
    device.auth = data["keys"]["auth"]
    device.language = data.get("language") or device.language
    device.user_agent = (user_agent or "")[:300] or None
    device.last_seen_at = utcnow()
    db.session.flush()
    return device, created


def _same_keys(device: Device, keys: dict) -> bool:
    """Whether ``keys`` are the device's (compared decoded: padding may differ)."""
    try:
        return all(hmac.compare_digest(b64url_decode(getattr(device, name)),
                                       b64url_decode(keys[name])) for name in ("p256dh", "auth"))
    except ValueError:  # a stored key that does not decode proves nothing
        return False


def get_device(user: User, device_id: int) -> Device:
    """The user's device, or 404 (also for other people's devices)."""
    device = db.session.scalar(select(Device).where(Device.id == device_id,
                                                    Device.user_id == user.id))
    if device is None:
        raise NotFound()
    return device


def delete_device(user: User, device_id: int) -> None:
    db.session.delete(get_device(user, device_id))
    db.session.flush()


def set_position(user: User, device_id: int, data: dict) -> Device:
    """Keep only the latest fix, and only with the user's consent to location sharing."""
    device = get_device(user, device_id)
    if not user.location_consent:
        raise Forbidden(_l("Turn on location sharing in your profile before sending "
                           "your position."))
    now = utcnow()
    recorded: datetime = min(data.get("recorded_at") or now, now)
    if device.position_at is None or recorded >= device.position_at:
        device.place(data["lat"], data["lon"], data.get("accuracy"), recorded,
                     country_at(data["lat"], data["lon"]))
    device.last_seen_at = now
    db.session.flush()
    return device


def clear_position(user: User, device_id: int) -> None:
    get_device(user, device_id).forget_position()
    db.session.flush()


def forget_locations(user: User) -> None:
    """Location consent withdrawn: delete every position of every device of the user."""
    db.session.execute(update(Device).where(Device.user_id == user.id)
                       .values(**Device.NO_POSITION))


def export_for_user(user: User) -> list[dict]:
    devices = db.session.scalars(select(Device).where(Device.user_id == user.id)
                                 .order_by(Device.id))
    return DeviceOut(many=True).dump(devices)
