"""Live events for the staff console: published after commit, fanned out to server-sent event
streams (``GET /api/staff/events``), scoped by mission.

Embedded, the hub is in-process (a queue per connection); the interface is the hub's
``publish`` / ``subscribe`` / ``since`` so that a Redis pub/sub hub can replace it when scaled
out. Events carry ids and state, never a traveler's details: the console fetches those.
"""
from __future__ import annotations

from flask import current_app, has_app_context

from server.live.hub import Hub

EVENT_TYPES = ("sos.new", "sos.changed", "sos.escalated", "approval.requested",
               "approval.approved", "approval.sent_back", "delivery.progress", "rollcall.answer",
               "security.sign_in_throttled")


def hub() -> Hub:
    app = current_app
    found = app.extensions.get("live_hub")
    if found is None:
        found = app.extensions["live_hub"] = Hub(app.config.get("LIVE_RING_SIZE", 200))
    return found


def publish_after_commit(kind: str, embassy_id: int | None, **data) -> None:
    """Publish ``kind`` to the streams of ``embassy_id``'s staff (and admins) once the caller's
    transaction commits: nobody hears of a change that was rolled back."""
    if not has_app_context():
        return
    from server.celery_app import after_commit

    target = hub()
    after_commit(lambda: target.publish(kind, embassy_id, data))


def publish_now(kind: str, embassy_id: int | None, **data) -> None:
    """Publish at once (a task that has committed already)."""
    hub().publish(kind, embassy_id, data)
