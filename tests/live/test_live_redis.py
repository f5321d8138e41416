"""The scaled-out hub: an event published by one app instance reaches a stream opened on
another, live and on replay after Last-Event-ID (needs TEST_REDIS_URL, the PostgreSQL pass)."""
import os
import threading

import pytest
import redis

from server import live
from server.live import stream
from server.live.redis_hub import RedisHub
from tests.conftest import make_test_app


@pytest.fixture(scope="module")
def two_apps(tmp_path_factory):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("the Redis hub needs TEST_REDIS_URL (the PostgreSQL + Redis pass sets it)")
    connection = redis.Redis.from_url(url)
    connection.delete(*connection.keys("compatriot:live:*") or ["none"])
    return [make_test_app(tmp_path_factory, LIVE_REDIS_URL=url, CELERY_TASK_ALWAYS_EAGER=True)
            for _ in range(2)]


def hub_of(app):
    with app.app_context():
        return live.hub()


def test_scaled_apps_use_the_redis_hub_and_embedded_ones_the_in_process_hub(app, two_apps):
    assert isinstance(hub_of(two_apps[0]), RedisHub)
    assert not isinstance(hub_of(app), RedisHub)
    assert live.redis_url({"CELERY_BROKER_URL": "memory://"}) is None
    assert live.redis_url({"CELERY_BROKER_URL": "redis://h:6379/1"}) == "redis://h:6379/1"


def test_event_published_on_one_app_reaches_a_stream_opened_on_another(two_apps):
    publisher, reader = (hub_of(app) for app in two_apps)
    before = publisher.publish("sos.new", 7, {"case": 1})
    frames, opened = [], threading.Event()

    def read():
        for frame in stream.events(reader, mission=7, everything=False,
                                   last_id=before["id"], seconds=3, heartbeat=0.2):
            opened.set()
            frames.append(frame)
            if "event: sos.changed" in frame:
                return

    thread = threading.Thread(target=read)
    thread.start()
    assert opened.wait(5)
    with two_apps[0].app_context():
        live.publish_now("sos.new", 8, case=2)  # another mission: never shown
        live.publish_now("sos.changed", 7, case=1, state="acknowledged")
    thread.join(5)
    body = "".join(frames)
    assert '"state": "acknowledged"' in body and '"case": 2' not in body
    assert f"id: {before['id'] + 2}\n" in body  # one id sequence across the instances


def test_reconnecting_stream_on_another_app_replays_what_it_missed(two_apps):
    publisher, reader = (hub_of(app) for app in two_apps)
    first = publisher.publish("rollcall.answer", None, {"rollcall": 3, "status": "safe"})
    publisher.publish("delivery.progress", None, {"alert": 4, "sent": 1})
    replayed = [event["type"] for event in reader.since(first["id"] - 1)]
    assert replayed == ["rollcall.answer", "delivery.progress"]
    body = "".join(stream.events(reader, mission=None, everything=True, last_id=first["id"],
                                 seconds=0.1, heartbeat=0.05))
    assert "event: delivery.progress" in body and "event: rollcall.answer" not in body
