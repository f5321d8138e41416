"""Live events for the staff console: published after commit, fanned out to server-sent event
streams (``GET /api/staff/events``), scoped by mission.

Embedded, the hub is in-process (a queue per connection); scaled out (a Redis broker, or
``LIVE_REDIS_URL``), it is ``RedisHub`` with the same ``publish`` / ``subscribe`` / ``since``,
so an event published by any process reaches every process's streams. Events carry ids and
state, never a traveler's details: the console fetches those.
"""
from __future__ import annotations

from flask import current_app, has_app_context

from server.live.hub import Hub
from server.live.redis_hub import RedisHub

EVENT_TYPES = ("sos.new", "sos.changed", "sos.escalated", "approval.requested",
               "approval.approved", "approval.sent_back", "delivery.progress", "rollcall.answer",
               "security.sign_in_throttled", "hazard.counted")


def redis_url(config) -> str | None:
    """Where live events travel between processes: explicit, else the Redis broker."""
    url = config.get("LIVE_REDIS_URL") or config.get("CELERY_BROKER_URL") or ""
    return url if url.startswith(("redis://", "rediss://")) else None


def hub() -> Hub | RedisHub:
    app = current_app
    found = app.extensions.get("live_hub")
    if found is None:
        ring, url = app.config.get("LIVE_RING_SIZE", 200), redis_url(app.config)
        found = RedisHub(url, ring) if url else Hub(ring)
        app.extensions["live_hub"] = found
    return found


def publish_after_commit(kind: str, embassy_id: int | None, **data) -> None:
    """Publish ``kind`` to the streams of ``embassy_id``'s staff (and admins) once the caller's
    transaction commits: nobody hears of a change that was rolled back."""
    if not has_app_context():
        return
    from server.celery_app import after_commit

    target, logger = hub(), current_app.logger
    after_commit(lambda: _publish(target, logger, kind, embassy_id, data))


def publish_now(kind: str, embassy_id: int | None, **data) -> None:
    """Publish at once (a task that has committed already)."""
    _publish(hub(), current_app.logger, kind, embassy_id, data)


def _publish(target, logger, kind: str, embassy_id: int | None, data: dict) -> None:
    """Best effort: a hub that is down (Redis) never fails the change it tells of; the
    consoles catch up by polling."""
    try:
        target.publish(kind, embassy_id, data)
    except Exception:  # noqa: BLE001
        logger.exception("live event %s not published", kind)
