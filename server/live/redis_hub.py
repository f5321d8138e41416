"""The hub when scaled out: Redis carries events between the web processes.

One Lua script per publish takes the next id (``INCR``), appends the event to a capped list
(the replay ring for ``Last-Event-ID``) and ``PUBLISH``es it, atomically: ids, ring order and
delivery order agree across every process. A list rather than a Redis stream keeps the ids
plain integers, the ones the in-process hub and reconnecting browsers already use, and
``LTRIM`` caps it as the in-process ring is capped. Each process holds one pub/sub connection
(a listener thread) and fans out to its own connections' queues, as the in-process hub does.
"""
from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time

import redis

log = logging.getLogger(__name__)

PUBLISH = """
local id = redis.call('INCR', KEYS[1])
local event = cjson.encode({id = id, type = ARGV[1], embassy_id = ARGV[2], data = ARGV[3]})
redis.call('RPUSH', KEYS[2], event)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
redis.call('PUBLISH', KEYS[3], event)
return event
"""


def _decode(raw: bytes | str) -> dict:
    event = json.loads(raw)
    # Lua's cjson has no None: the default queue (no mission) travels as "".
    event["embassy_id"] = int(event["embassy_id"]) if event["embassy_id"] != "" else None
    return event


class RedisHub:
    def __init__(self, url: str, ring_size: int = 200, queue_size: int = 100,
                 prefix: str = "compatriot:live"):
        self._redis = redis.Redis.from_url(url)
        self._keys = (f"{prefix}:id", f"{prefix}:ring", f"{prefix}:events")
        self._script = self._redis.register_script(PUBLISH)
        self._ring_size, self._queue_size = ring_size, queue_size
        self._subscribers: set[queue.Queue] = set()
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._ready = threading.Event()

    def publish(self, kind: str, embassy_id: int | None, data: dict) -> dict:
        body = json.dumps({**data, "embassy_id": embassy_id}, default=str)
        mission = "" if embassy_id is None else str(embassy_id)
        return _decode(self._script(keys=self._keys,
                                    args=[kind, mission, body, self._ring_size]))

    def since(self, last_id: int) -> list[dict]:
        events = (_decode(raw) for raw in self._redis.lrange(self._keys[1], 0, -1))
        return [event for event in events if event["id"] > last_id]

    def subscribe(self) -> queue.Queue:
        inbox: queue.Queue = queue.Queue(self._queue_size)
        with self._lock:
            self._subscribers.add(inbox)
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, daemon=True,
                                                  name="live-redis")
                self._listener.start()
        # A stream replays from the ring after subscribing: wait until the channel is heard,
        # so nothing published in between falls between the replay and the live events.
        self._ready.wait(5)
        return inbox

    def unsubscribe(self, inbox: queue.Queue) -> None:
        with self._lock:
            self._subscribers.discard(inbox)

    def _listen(self) -> None:
        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self._keys[2])
                self._ready.set()
                for message in pubsub.listen():
                    self._fan_out(_decode(message["data"]))
            except redis.RedisError:
                # Streams keep beating; browsers replay from the ring once Redis is back.
                log.warning("live events: Redis connection lost, reconnecting", exc_info=True)
                time.sleep(1)

    def _fan_out(self, event: dict) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for inbox in subscribers:
            with contextlib.suppress(queue.Full):  # that console catches up by polling
                inbox.put_nowait(event)
