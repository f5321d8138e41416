"""The in-process hub: a short ring buffer of recent events (for ``Last-Event-ID``) and a
bounded queue per connection (a slow reader loses events, never blocks a publisher)."""
from __future__ import annotations

import contextlib
import itertools
import json
import queue
import threading
from collections import deque


class Hub:
    def __init__(self, ring_size: int = 200, queue_size: int = 100):
        self._ids = itertools.count(1)
        self._ring: deque[dict] = deque(maxlen=ring_size)
        self._subscribers: set[queue.Queue] = set()
        self._queue_size = queue_size
        self._lock = threading.Lock()

    def publish(self, kind: str, embassy_id: int | None, data: dict) -> dict:
        with self._lock:
            event = {"id": next(self._ids), "type": kind, "embassy_id": embassy_id,
                     "data": json.dumps({**data, "embassy_id": embassy_id}, default=str)}
            self._ring.append(event)
            subscribers = list(self._subscribers)
        for inbox in subscribers:
            with contextlib.suppress(queue.Full):  # that console catches up by polling
                inbox.put_nowait(event)
        return event

    def since(self, last_id: int) -> list[dict]:
        """Events after ``last_id`` still in the ring (a reconnecting stream replays them)."""
        with self._lock:
            return [event for event in self._ring if event["id"] > last_id]

    def subscribe(self) -> queue.Queue:
        inbox: queue.Queue = queue.Queue(self._queue_size)
        with self._lock:
            self._subscribers.add(inbox)
        return inbox

    def unsubscribe(self, inbox: queue.Queue) -> None:
        with self._lock:
            self._subscribers.discard(inbox)
