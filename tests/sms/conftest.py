"""SMS fixtures: pushes and the outbox are shared (tests/fixtures/), travelers with a proven
number, and Kannel's callbacks."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import update

from server.accounts.models import User
from server.db import db, utcnow


@pytest.fixture(autouse=True)
def _push(push_config):
    """Every test here pushes to the local receiver, tasks run inline (tests/fixtures/push.py)."""


@pytest.fixture
def phone_traveler(traveler):
    """A traveler in ``country`` whose number is ``phone``, proven unless ``verified=False``."""

    def _make(phone="+33612345678", country="FR", verified=True, **kwargs):
        user, devices = traveler(country, devices=kwargs.pop("devices", 0), **kwargs)
        db.session.execute(update(User).where(User.id == user.id).values(
            phone=phone, phone_verified_at=utcnow() if verified else None))
        db.session.expire(user)
        return user

    return _make


@pytest.fixture
def kannel(app, client):
    """Call the app as Kannel does: ``kannel.mo(from, text, id=...)``, ``kannel.dlr(id, 1)``."""

    class Kannel:
        secret = app.config["SMS_CALLBACK_SECRET"]

        def mo(self, sender, text, mo_id="mo-1", secret=None, **extra):
            query = {"secret": self.secret if secret is None else secret, "id": mo_id,
                     "from": sender, "to": "12308", "text": text, **extra}
            return client.get("/api/sms/mo?" + urlencode(query))

        def dlr(self, message_id, status, answer="", secret=None):
            query = {"secret": self.secret if secret is None else secret, "id": message_id,
                     "status": status, "answer": answer, "smsc_id": "smsc-7"}
            return client.get("/api/sms/dlr?" + urlencode(query))

    return Kannel()
