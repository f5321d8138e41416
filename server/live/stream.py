"""One ``text/event-stream`` per signed-in staff member, scoped to their mission.

The stream holds no database connection (the scope is read before it starts) and lasts at
most ``LIVE_STREAM_SECONDS``: the browser's EventSource reconnects with ``Last-Event-ID`` and
replays what it missed from the ring. Deploy behind gunicorn with a gevent or gthread worker
(a sync worker would be held for the stream's whole duration).
"""
from __future__ import annotations

import queue
import time

from server.live.hub import Hub

HEARTBEAT_SECONDS = 15


def visible(event: dict, mission: int | None, everything: bool) -> bool:
    return everything or (mission is not None and event["embassy_id"] == mission)


def frame(event: dict) -> str:
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {event['data']}\n\n"


def events(hub: Hub, *, mission: int | None, everything: bool, last_id: int | None,
           seconds: float, heartbeat: float = HEARTBEAT_SECONDS):
    """Yield SSE frames: missed events first, then live ones, heartbeats in between.

    ``last_id`` None (a console that just opened, no ``Last-Event-ID``) starts from now: what
    happened before it opened is on its pages already, and replaying it would announce old
    cases as new. The first frame then carries only the latest id, which the browser keeps and
    sends back when it reconnects, so nothing published between two streams is missed."""
    inbox = hub.subscribe()
    try:
        if last_id is None:
            last_id = max((event["id"] for event in hub.since(0)), default=0)
            yield f"retry: 2000\nid: {last_id}\n\n"
        else:
            yield "retry: 2000\n\n"
        for event in hub.since(last_id):
            if visible(event, mission, everything):
                yield frame(event)
        ends = time.monotonic() + seconds
        while (left := ends - time.monotonic()) > 0:
            try:
                event = inbox.get(timeout=min(heartbeat, left))
            except queue.Empty:
                yield ": heartbeat\n\n"
                continue
            if event["id"] > last_id and visible(event, mission, everything):
                yield frame(event)
    finally:
        hub.unsubscribe(inbox)
