"""Fan-out: materialize deliveries, push them in batches, record what happened.

Tasks take ids and are idempotent: a delivery is claimed (state-guarded, with a lease) before
it is pushed and never pushed again once ``sent``. Deliveries are written with their batches
(``server/broadcast/batches.py``), and the sweep re-enqueues the open batches whose pending
deliveries are overdue (their task was lost: dead worker, lost broker message).

A pending delivery is due once both its ``next_attempt_at`` (first try, or a retry's backoff)
and its ``leased_until`` (a claim in flight) have passed. The lease has a column of its own that
no index holds: on PostgreSQL the claim then rewrites the row in place on its page (a HOT
update, no index entry written), and so does the result (no index holds the state either).
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import bindparam, delete, func, or_, select, update

from server import live
from server.broadcast import audience, batches, kinds
from server.broadcast.channels import CHANNELS
from server.broadcast.models import DELIVERY_ERROR_LENGTH, Delivery, Message
from server.celery_app import bound
from server.db import (
    UTCDateTime,
    among,
    analyze,
    db,
    on_postgresql,
    utcnow,
    write_transaction,
)
from server.devices.models import Device
from server.sending import SendResult


def _due(table, moment):
    """Pending, and neither waiting for a retry nor leased at ``moment``."""
    return (table.c.state == "pending", table.c.next_attempt_at <= moment,
            or_(table.c.leased_until.is_(None), table.c.leased_until <= moment))


def enqueue_pending(alert_id: int, after: int = 0) -> int:
    """One deliver_batch task per open batch of ``alert_id`` with an id above ``after`` (the
    batches a chunk added: see ``send_alert``); the claim skips what is not due."""
    found = batches.open_batches(alert_id, after)
    db.session.commit()  # end the read before (eager) batches write
    for batch_id, _alert_id, ids in found:
        bound(deliver_batch).delay(alert_id, ids, batch_id)
    return len(found)


@shared_task(name="broadcast.send")
def send_alert(alert_id: int) -> None:
    """Materialize the audience (or a Cancel's recipients) chunk by chunk, each chunk's
    batches enqueued as soon as it commits, so the push starts after the first chunk.

    The message (a resend too) stays "sending" until the last chunk is in, and each chunk
    refreshes its ``updated_at``: if this task dies between chunks, the sweep sees a message
    "sending" that stopped making progress and runs it again (idempotent: ON CONFLICT skips
    the devices that already have a row, the first enqueue picks up their pending rows).
    """
    message = db.session.get(Message, alert_id)
    if message is None or message.state not in ("approved", "sending"):
        return
    if message.state == "approved":
        message.state = "sending"
    created, analyzed_at = 0, 0
    for number, (low, high) in enumerate(audience.chunks()):
        if message.state == "cancelled":  # meanwhile (read again after each commit)
            return
        # Every batch this chunk records has an id above the largest one now. The first
        # enqueue starts at 0: open batches of an earlier, interrupted run.
        after = batches.last_id() if number else 0
        if message.msg_type == "Cancel":
            added = audience.materialize_cancel(message, message.references, low, high)
        else:
            added = audience.materialize(message, low, high)
        if high is None:  # the last chunk: then the person channels, once
            added += (audience.materialize_cancel_people(message, message.references)
                      if message.msg_type == "Cancel" else audience.materialize_people(message))
        created += added
        if high is None:  # the last chunk: the whole audience is in
            message.state, message.sent_at = "sent", message.sent_at or utcnow()
        message.updated_at = utcnow()  # progress, for the sweep
        db.session.commit()
        if _refresh_statistics(created, analyzed_at):
            analyzed_at = created
        enqueue_pending(alert_id, after=after)
    current_app.logger.info("message %s: %s new deliveries", alert_id, created)


# Below this many new pending rows a stale plan costs little: the claim reads at most the
# index entries of those rows. Above it, ANALYZE again each time they have grown this much.
ANALYZE_AFTER_ROWS = 10_000
ANALYZE_GROWTH = 4


def _refresh_statistics(created: int, analyzed_at: int) -> bool:
    """ANALYZE ``deliveries`` once a message's new pending rows matter (PostgreSQL): when
    ``created`` reaches ``ANALYZE_AFTER_ROWS``, then ``ANALYZE_GROWTH`` times the count of the
    last ANALYZE. Returns whether it ran.

    Otherwise the planner still believes there are almost no pending rows and plans each claim
    as a BitmapAnd of the primary key with ``(state, next_attempt_at)``, which reads the index
    entries of every pending row for every batch (measured: 270 µs of PostgreSQL per message at
    1,000,000). Autovacuum would only analyze the table after the fan-out. It samples a fixed
    number of rows, about 0.2 s whatever the table's size. Run between chunks, so that the
    batches of the next ones (the most of a large audience) are planned with the new figures;
    the planner scales the sampled share of pending rows to the table's current size."""
    if (created < max(ANALYZE_AFTER_ROWS, analyzed_at * ANALYZE_GROWTH)
            or not on_postgresql()):
        return False
    analyze(Delivery.__table__)
    db.session.commit()
    return True


def _claim(ids: list[int], now) -> list:
    """Take the due pending deliveries among ``ids`` for one lease.

    One transaction, committed before anything is sent: the lease is what keeps another
    worker (or the sweep) from sending them too. Core statements, not the ORM: a batch is
    hundreds of rows and only tuples are needed. Neither ``state`` nor ``next_attempt_at``
    changes here, so no index does either (see the module docstring).
    """
    lease = now + timedelta(seconds=current_app.config["PUSH_LEASE_SECONDS"])
    table = Delivery.__table__
    claimed = db.session.execute(
        update(table).where(among(table.c.id, ids), *_due(table, now + timedelta(seconds=1)))
        .values(leased_until=lease, attempts=table.c.attempts + 1)
        .returning(table.c.id, table.c.channel, table.c.language, table.c.attempts,
                   table.c.device_id, table.c.user_id)).all()
    db.session.commit()
    return claimed


def _finish(ids, state: str, status=None, now=None, error: str | None = None) -> None:
    if ids:
        db.session.execute(
            update(Delivery.__table__).where(among(Delivery.id, ids), Delivery.state == "pending")
            .values(state=state, last_status=status, next_attempt_at=None,
                    sent_at=now if state == "sent" else None,
                    error=error[:DELIVERY_ERROR_LENGTH] if error else None))


def backoff(attempts: int, retry_after: float | None) -> float:
    """Seconds before the next try: 30 s doubling per attempt, at most the cap, and never less
    than the push service's Retry-After."""
    cfg = current_app.config
    delay = cfg["PUSH_RETRY_BASE_SECONDS"] * 2 ** max(0, attempts - 1)
    return min(cfg["PUSH_RETRY_MAX_SECONDS"], max(delay, retry_after or 0))


@shared_task(name="broadcast.deliver_batch")
def deliver_batch(alert_id: int, delivery_ids: list[int], batch_id: int | None = None) -> None:
    """Send deliveries of one batch (``batch_id``: all of it, or its retries), each by its
    channel and in its language, apply every result, and close the batch once it is done."""
    message = db.session.get(Message, alert_id)
    now = utcnow()
    if message is None or message.state == "cancelled":
        return  # what it left pending was failed by the cancel; the sweep closes the batch
    if message.expires <= now:
        _finish(delivery_ids, "failed", now=now, error="expired before it could be sent")
        if batch_id is not None:
            batches.close(batch_id)
        db.session.commit()
        return
    claimed = _claim(delivery_ids, now)
    by_channel = defaultdict(list)
    for row in claimed:
        by_channel[row.channel].append(row)
    results = []
    for channel, rows in by_channel.items():
        results += _send_on(channel, message, rows, now)
    if claimed:
        _apply_results(alert_id, claimed, results, now, batch_id)
    elif batch_id is not None:  # nothing due: perhaps everything is done (a second task)
        batches.close(batch_id)
        db.session.commit()


def _send_on(channel: str, message: Message, rows, now) -> list:
    """One channel's results for its rows. A channel that fails as a whole (its server down,
    a bug) has its rows retried with the reason kept, up to the attempt limit like any retry,
    and never takes the batch's other channels down with it."""
    try:
        return CHANNELS[channel].send(message, rows, now)
    except Exception as exc:  # noqa: BLE001  (recorded on every row it concerned)
        current_app.logger.exception("message %s: %s channel failed", message.id, channel)
        reason = f"{channel}: {type(exc).__name__}: {exc}"
        return [SendResult(row.id, None, "retry", None, reason) for row in rows]


def _apply_results(alert_id: int, rows, results, now, batch_id: int | None = None) -> None:
    by_id = {r.id: r for r in rows}
    done: dict[tuple[str, int | None, str | None], list[int]] = defaultdict(list)
    retries, gone_devices = [], []
    max_attempts = current_app.config["PUSH_MAX_ATTEMPTS"]
    for result in results:
        row = by_id[result.id]
        if result.outcome == "retry" and row.attempts < max_attempts:
            delay = backoff(row.attempts, result.retry_after)
            retries.append({"_id": row.id, "_status": result.status,
                            "_error": (result.error or "")[:DELIVERY_ERROR_LENGTH] or None,
                            "_next": now + timedelta(seconds=delay)})
            continue
        state = "failed" if result.outcome == "retry" else result.outcome
        if state == "gone":
            gone_devices.append(row.device_id)
        if state == "failed":
            current_app.logger.warning("message %s delivery %s failed: %s", alert_id, row.id,
                                       result.error)
        done[(state, result.status, result.error if state == "failed" else None)].append(row.id)
    write_transaction()  # the channels' reads, held while they sent, end here
    for (state, status, error), ids in done.items():
        _finish(ids, state, status, now, error)
    if retries:
        table = Delivery.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("_id"), table.c.state == "pending")
            .values(last_status=bindparam("_status"), error=bindparam("_error"),
                    leased_until=None,
                    next_attempt_at=bindparam("_next", type_=UTCDateTime())), retries)
    gone_devices = [device_id for device_id in gone_devices if device_id is not None]
    if gone_devices:
        db.session.execute(delete(Device).where(Device.id.in_(gone_devices)))
    if batch_id is not None and not retries:  # with the results: a batch is never left open
        batches.close(batch_id, finished=sum(len(ids) for ids in done.values()))
    db.session.commit()
    delays = {r["_id"]: (r["_next"] - now).total_seconds() for r in retries}
    for countdown, ids in by_delay(delays).items():
        bound(deliver_batch).apply_async((alert_id, ids, batch_id), countdown=countdown)
    _publish_progress(alert_id, done)


def _publish_progress(alert_id: int, done: dict) -> None:
    """Tell the mission's consoles a batch landed (they fetch the figures themselves). Best
    effort, after the retries are scheduled: the consoles also poll."""
    finished = defaultdict(int)
    for (state, _status, _error), ids in done.items():
        finished[state] += len(ids)
    try:
        embassy_id = db.session.scalar(select(Message.embassy_id).where(Message.id == alert_id))
        db.session.commit()
        live.publish_now("delivery.progress", embassy_id, alert=alert_id, **finished)
    except Exception:  # noqa: BLE001  (a console event never costs a delivery)
        current_app.logger.exception("message %s: progress not published", alert_id)


def by_delay(delays: dict[int, float]) -> dict[int, list[int]]:
    """Ids to retry grouped by their own delay (whole seconds): a 500 due again in 30 s is not
    held back behind a 429 that asked for 600 s. A handful of groups per batch at most."""
    groups: dict[int, list[int]] = defaultdict(list)
    for item_id, seconds in delays.items():
        groups[math.ceil(seconds)].append(item_id)
    return groups


@shared_task(name="broadcast.sweep_pending")
def sweep_pending() -> int:
    """Re-enqueue the open batches with deliveries left pending past their due time (their
    task was lost), close those with none pending (a cancel), and run ``send_alert`` again for
    alerts whose materialization stopped half-way (see there). Returns the batches enqueued."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["PUSH_SWEEP_AFTER_SECONDS"])
    _resume_sending(cutoff)
    table, overdue = Delivery.__table__, []
    for batch_id, alert_id, ids in batches.open_batches():
        left, due = db.session.execute(
            select(func.count(), func.count().filter(*_due(table, cutoff)))
            .where(among(table.c.id, ids), table.c.state == "pending")).one()
        if not left:
            batches.close(batch_id)
        elif due:
            overdue.append((alert_id, ids, batch_id))
    db.session.commit()
    for task_args in overdue:
        bound(deliver_batch).delay(*task_args)
    return len(overdue)


def _resume_sending(cutoff) -> None:
    """Alerts and roll calls still "sending" with no progress since ``cutoff``: their send
    task died or was lost, so it runs again."""
    declared = kinds.kinds()
    stalled = db.session.execute(select(Message.id, Message.kind).where(
        Message.state == "sending", Message.kind.in_(declared), Message.updated_at <= cutoff,
        Message.expires > utcnow())).all()
    if stalled:  # at most one new try per period, however long the queue
        db.session.execute(update(Message).where(Message.id.in_([row.id for row in stalled]))
                           .values(updated_at=utcnow()))
    db.session.commit()
    for alert_id, kind in stalled:
        current_app.logger.warning("%s %s: sending stalled, materializing again", kind, alert_id)
        bound(declared[kind].send_task).delay(alert_id)
