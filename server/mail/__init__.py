"""Email: building messages (``message``), sending them over SMTP or into the embedded
``.eml`` outbox (``transport``, ``outbox``), one later with retries (``tasks``).

``email_reachable()`` is the rule of who may get alerts by email (README, "Email").
"""
from __future__ import annotations

from sqlalchemy import and_, exists, or_, select


def email_reachable():
    """SQL condition on ``User``: an address the alerts may go to. A verified address; or an
    unverified one when the traveler has no other channel (no push device, no verified
    phone): a typo then reaches a stranger at worst with a public safety alert, while a
    traveler who never clicked the link still hears of the earthquake."""
    from server.accounts.models import User
    from server.devices.models import Device

    has_device = exists(select(Device.id).where(Device.user_id == User.id))
    return and_(~User.disabled, or_(
        User.email_verified_at.is_not(None),
        and_(~has_device, User.phone_verified_at.is_(None))))
