"""Batches: the record of work in flight, one row per task's deliveries (``DeliveryBatch``).

Materialization writes a message's new deliveries and their batches in one transaction; a
batch is closed once none of its deliveries is pending. Enqueueing and the sweep read the open
batches (a handful of rows per thousand deliveries) instead of an index on the deliveries'
state, which every result would have to update.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import insert, select, update

from server.broadcast.models import Delivery, DeliveryBatch
from server.db import among, db, utcnow


def record(alert_id: int, delivery_ids: list[int]) -> None:
    """Open batches of ``PUSH_BATCH_SIZE`` for new deliveries of ``alert_id``, in id order."""
    if not delivery_ids:
        return
    size, now = current_app.config["PUSH_BATCH_SIZE"], utcnow()
    ids = sorted(delivery_ids)
    db.session.execute(insert(DeliveryBatch), [
        {"alert_id": alert_id, "delivery_ids": ids[i:i + size], "size": len(ids[i:i + size]),
         "created_at": now} for i in range(0, len(ids), size)])


def open_batches(alert_id: int | None = None, after: int = 0) -> list[tuple[int, int, list[int]]]:
    """(batch id, alert id, delivery ids) of the open batches, in id order: of ``alert_id``
    only if given, with an id above ``after``."""
    table = DeliveryBatch.__table__
    query = select(table.c.id, table.c.alert_id, table.c.delivery_ids).where(
        table.c.id > after, table.c.done_at.is_(None))
    if alert_id is not None:
        query = query.where(table.c.alert_id == alert_id)
    return [tuple(row) for row in db.session.execute(query.order_by(table.c.id))]


def last_id() -> int:
    """The largest batch id so far (every batch recorded later has a larger one)."""
    return db.session.scalar(select(DeliveryBatch.id).order_by(DeliveryBatch.id.desc())
                             .limit(1)) or 0


def close(batch_id: int, finished: int | None = None) -> None:
    """Close the batch if none of its deliveries is pending. ``finished``: how many of them the
    caller has just taken out of pending; if that is all of them, no delivery is read."""
    table = DeliveryBatch.__table__
    now = utcnow()
    if finished is not None and db.session.execute(
            update(table).where(table.c.id == batch_id, table.c.size == finished)
            .values(done_at=now)).rowcount:
        return
    ids = db.session.scalar(select(table.c.delivery_ids).where(
        table.c.id == batch_id, table.c.done_at.is_(None)))
    if ids is not None and not pending(ids):
        db.session.execute(update(table).where(table.c.id == batch_id).values(done_at=now))


def pending(ids: list[int]) -> bool:
    """Whether any delivery of ``ids`` is pending."""
    return db.session.scalar(select(Delivery.id).where(
        among(Delivery.id, ids), Delivery.state == "pending").limit(1)) is not None
