"""Polling (one beat entry; each feed at its own interval) and counting, as tasks taking
keys and ids. A failing feed is recorded and retried at its next turn, never raised."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from server.db import db, utcnow
from server.hazards import feeds, impact
from server.hazards.formats import FeedError
from server.hazards.ingest import ingest
from server.hazards.models import HazardEvent, HazardFeed

COUNT_BATCH = 250  # events per counting task (each reads the stays in their boxes once)


@shared_task(name="hazards.poll_due")
def poll_due() -> None:
    """Enqueue a poll of every configured feed whose interval has passed."""
    from server.celery_app import enqueue

    now, due = utcnow(), []
    for feed in feeds.configured():
        state = db.session.get(HazardFeed, feed.key)
        if state is None or state.polled_at is None or (
                state.polled_at + timedelta(seconds=feed.interval_seconds) <= now):
            due.append(feed.key)
    db.session.rollback()  # read only: no transaction held while the polls run
    for key in due:
        enqueue(poll_feed, key)


@shared_task(name="hazards.poll_feed")
def poll_feed(key: str) -> dict | None:
    """Fetch one configured feed (by key: never a URL from elsewhere), store its events,
    then count the new and changed ones."""
    feed = next((f for f in feeds.configured() if f.key == key), None)
    if feed is None:
        return None
    state = db.session.get(HazardFeed, key) or HazardFeed(key=key)
    db.session.add(state)
    state.polled_at = utcnow()
    try:
        body = feeds.fetch(feed, state)
        result = {"changed": [], "skipped": 0} if body is None else ingest(
            key, feed.format, body, feed.min_level)
        state.error = None
    except FeedError as exc:
        current_app.logger.warning("hazard feed %s refused: %s", key, exc)
        db.session.rollback()
        state = db.session.get(HazardFeed, key) or HazardFeed(key=key)
        db.session.add(state)
        state.polled_at, state.error, result = utcnow(), str(exc)[:300], None
    db.session.commit()
    if result:
        count_soon(result["changed"])
    return result


def count_soon(event_ids: list[int]) -> None:
    from server.celery_app import enqueue

    for start in range(0, len(event_ids), COUNT_BATCH):
        enqueue(count_events, event_ids[start:start + COUNT_BATCH])


@shared_task(name="hazards.count_events")
def count_events(event_ids: list[int]) -> None:
    """Count who is in each event's area now (idempotent: a re-run writes the same)."""
    events = db.session.scalars(select(HazardEvent).where(HazardEvent.id.in_(event_ids))
                                .order_by(HazardEvent.id)).all()
    impact.count_many(list(events), utcnow())
    db.session.commit()
