"""The broadcast pipeline: one message to many people, whatever the message is.

It owns the message itself (``models.Message``: area, text per language, time window, state;
each kind a subclass declared by its feature) and its deliveries, who is in an area and time
window (``audience``, ``areas``), the schemas every kind shares (``schemas``), and the fan-out:
materialize, claim under lease, send, record, retry with backoff, sweep (``tasks``). Alerts,
roll calls and SOS updates are its callers: each builds its message and its phone payload
(``payloads``) and asks for it to be sent.
"""
from server import signals


@signals.account_deleting.connect
def _forget_deliveries(user, **_extra):
    """``deliveries`` has no foreign key to ``users`` (``models``): the rows go here."""
    from sqlalchemy import delete

    from server.broadcast.models import Delivery
    from server.db import db

    db.session.execute(delete(Delivery).where(Delivery.user_id == user.id))
