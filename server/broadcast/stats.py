"""Delivery figures of one or more messages (an alert, a roll call's question and reminders):
by state, and per channel."""
from __future__ import annotations

from sqlalchemy import func, select

from server.broadcast.models import DELIVERY_STATES, Delivery
from server.db import db

# A delivery that reached its channel's far end: sent (or further, by a delivery report).
REACHED_STATES = ("sent", "delivered")


def by_state(alert_ids) -> dict:
    """Deliveries per state, and their total."""
    counts = dict(db.session.execute(
        select(Delivery.state, func.count()).where(Delivery.alert_id.in_(alert_ids))
        .group_by(Delivery.state)).all())
    stats = {state: counts.get(state, 0) for state in DELIVERY_STATES}
    stats["total"] = sum(stats.values())
    return stats


def by_channel(alert_ids, answered_user_ids=None) -> dict[str, dict]:
    """Per channel: sent (reached the channel: sent or delivered), delivered (confirmed by a
    delivery report), failed (failed, expired, gone) and, with ``answered_user_ids`` (a SELECT
    of user ids: a roll call's answered recipients), the people it reached who answered."""
    columns = [Delivery.channel, func.count().filter(Delivery.state.in_(REACHED_STATES)),
               func.count().filter(Delivery.state == "delivered"),
               func.count().filter(Delivery.state.in_(("failed", "expired", "gone")))]
    if answered_user_ids is not None:
        columns.append(func.count(func.distinct(Delivery.user_id)).filter(
            Delivery.user_id.in_(answered_user_ids)))
    rows = db.session.execute(select(*columns).where(Delivery.alert_id.in_(alert_ids))
                              .group_by(Delivery.channel)).all()
    return {row[0]: {"sent": row[1], "delivered": row[2], "failed": row[3],
                     **({"answered": row[4]} if answered_user_ids is not None else {})}
            for row in rows}


def unreached(alert_ids, people):
    """SELECT user_id, name, phone, email of ``people`` (a SELECT of user ids: the audience)
    whom no channel reached (no delivery sent or delivered, or none at all: no device, no
    verified number): the call centre's list, by name."""
    from server.accounts.models import User

    reached = select(Delivery.user_id).where(Delivery.alert_id.in_(alert_ids),
                                             Delivery.state.in_(REACHED_STATES))
    return (select(User.id.label("user_id"), User.name, User.phone, User.email)
            .where(User.id.in_(people), User.id.not_in(reached)).order_by(User.name, User.id))
