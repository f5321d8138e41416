"""Delivery figures of one or more messages (an alert, a roll call's question and reminders):
by state, per channel, why they failed, over time, and who no channel reached."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import extract, func, literal, select

from server.broadcast.models import DELIVERY_STATES, Delivery
from server.db import UTCDateTime, db, on_postgresql

# A delivery that reached its channel's far end: sent (or further, by a delivery report).
REACHED_STATES = ("sent", "delivered")
# One that did not, for good: refused, expired (an SMS delivery report), gone (push).
FAILED_STATES = ("failed", "expired", "gone")


def by_state(message_ids) -> dict:
    """Deliveries per state, and their total."""
    counts = dict(db.session.execute(
        select(Delivery.state, func.count()).where(Delivery.alert_id.in_(message_ids))
        .group_by(Delivery.state)).all())
    stats = {state: counts.get(state, 0) for state in DELIVERY_STATES}
    stats["total"] = sum(stats.values())
    return stats


def by_channel(message_ids, answered_user_ids=None) -> dict[str, dict]:
    """Per channel: sent (reached the channel: sent or delivered), delivered (confirmed by a
    delivery report), failed (failed, expired, gone) and, with ``answered_user_ids`` (a SELECT
    of user ids: a roll call's answered recipients), the people it reached who answered."""
    columns = [Delivery.channel, func.count().filter(Delivery.state.in_(REACHED_STATES)),
               func.count().filter(Delivery.state == "delivered"),
               func.count().filter(Delivery.state.in_(FAILED_STATES))]
    if answered_user_ids is not None:
        columns.append(func.count(func.distinct(Delivery.user_id)).filter(
            Delivery.user_id.in_(answered_user_ids)))
    rows = db.session.execute(select(*columns).where(Delivery.alert_id.in_(message_ids))
                              .group_by(Delivery.channel)).all()
    return {row[0]: {"sent": row[1], "delivered": row[2], "failed": row[3],
                     **({"answered": row[4]} if answered_user_ids is not None else {})}
            for row in rows}


def failures(message_ids) -> list[dict]:
    """Deliveries that failed (failed, expired, gone: as ``by_channel`` counts them) grouped by
    channel, state and recorded reason, the largest group first."""
    count = func.count().label("count")
    rows = db.session.execute(
        select(Delivery.channel, Delivery.state, Delivery.error, count)
        .where(Delivery.alert_id.in_(message_ids), Delivery.state.in_(FAILED_STATES))
        .group_by(Delivery.channel, Delivery.state, Delivery.error)
        .order_by(count.desc(), Delivery.channel, Delivery.state))
    return [{"channel": channel, "state": state, "reason": error, "count": n}
            for channel, state, error, n in rows]


# Bucket widths of the time series (seconds): the narrowest giving at most SERIES_POINTS.
SERIES_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400)
SERIES_POINTS = 120


def _seconds_since(column, start: datetime):
    if on_postgresql():
        return extract("epoch", column - literal(start, UTCDateTime))
    return (func.julianday(column) - func.julianday(literal(start, UTCDateTime))) * 86400.0


def series(message_ids, start: datetime | None) -> dict:
    """Deliveries handed to their channel (``sent_at``) and opened (``clicked_at``) since
    ``start``, cumulative at the end of each bucket (one GROUP BY per column): what the
    delivery chart draws, the same whenever it is opened."""
    mine = Delivery.alert_id.in_(message_ids)
    ends = db.session.execute(select(func.max(Delivery.sent_at), func.max(Delivery.clicked_at))
                              .where(mine)).one()
    if start is None or not any(ends):
        return {"step": 1, "points": []}
    span = max(0.0, (max(e for e in ends if e) - start).total_seconds())
    step = next((s for s in SERIES_STEPS if span / s <= SERIES_POINTS),
                86400 * math.ceil(span / 86400 / SERIES_POINTS))
    per_bucket: dict[int, dict] = {}
    for key, column in (("sent", Delivery.sent_at), ("clicked", Delivery.clicked_at)):
        bucket = func.floor(_seconds_since(column, start) / step).label("bucket")
        for b, n in db.session.execute(select(bucket, func.count()).where(
                mine, column.is_not(None)).group_by(bucket)):
            per_bucket.setdefault(max(0, int(b)), {}).setdefault(key, 0)
            per_bucket[max(0, int(b))][key] += n
    points, totals = [{"at": start, "sent": 0, "clicked": 0}], {"sent": 0, "clicked": 0}
    for b in range(max(per_bucket) + 1):
        for key in totals:
            totals[key] += per_bucket.get(b, {}).get(key, 0)
        points.append({"at": start + timedelta(seconds=(b + 1) * step), **totals})
    return {"step": step, "points": points}


def unreached(message_ids, people):
    """SELECT user_id, name, phone, email, language of ``people`` (a SELECT of user ids: the
    audience) whom no channel reached (no delivery sent or delivered, or none at all: no device, no
    verified number): the call centre's list, by name."""
    from server.accounts.models import User

    reached = select(Delivery.user_id).where(Delivery.alert_id.in_(message_ids),
                                             Delivery.state.in_(REACHED_STATES))
    return (select(User.id.label("user_id"), User.name, User.phone, User.email, User.language)
            .where(User.id.in_(people), User.id.not_in(reached)).order_by(User.name, User.id))


UNREACHED_COLUMNS = ("name", "phone", "email", "language")


def unreached_people(message_ids, people) -> list[dict]:
    """``unreached`` read: one dict per person."""
    return [dict(r._mapping) for r in db.session.execute(unreached(message_ids, people))]


def unreached_csv(rows: list[dict]) -> str:
    """``unreached_people`` as the call centre's CSV (formula-safe cells)."""
    from server.csv_export import cell, to_csv

    return to_csv(UNREACHED_COLUMNS, [tuple(cell(r[c], phone=c == "phone")
                                            for c in UNREACHED_COLUMNS) for r in rows])
