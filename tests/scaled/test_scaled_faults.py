"""Faults on the real scaled-out path (Celery worker processes, Redis, PostgreSQL):

- a worker process SIGKILLed in the middle of a fan-out: a new worker starts, its beat runs
  the sweep, and every device gets the alert;
- the broker (a redis-server of the test's own) killed and restarted mid-fan-out, losing
  every queued message: the worker reconnects, the sweep re-enqueues what was lost.

The push service answers each push only after DELAY seconds (it has accepted, and recorded,
the push on arrival), so a kill lands while batches are in flight: those deliveries were
pushed but not recorded as sent. They are the only ones that may be pushed twice, and a
second push carries the same notification tag, so the phone shows one notification.
"""
from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis

from server.broadcast.models import Delivery
from server.db import db
from server.devices.keys import public_key
from server.staff import services as staff
from tests.alerts.helpers import alert_body, create_and_send
from tests.auth import STAFF_PASSWORD, Auth, enrol
from tests.conftest import make_test_app
from tests.pushreceiver import PushReceiver
from tests.scaled.conftest import WORKER_START_SECONDS, Worker, add_traveler

pytestmark = pytest.mark.scaled
DEVICES = 40
DELAY = 0.4  # seconds the push service takes to answer each push
# Small batches so a fan-out is many tasks; a short lease and sweep so recovery takes seconds.
WORKER_CONFIG = {"PUSH_BATCH_SIZE": 4, "PUSH_LEASE_SECONDS": 3, "PUSH_SWEEP_AFTER_SECONDS": 1}
WITH_BEAT = {**WORKER_CONFIG, "CELERY_BEAT_SCHEDULE": {
    "broadcast-sweep-pending": {"task": "broadcast.sweep_pending", "schedule": 1.0}}}
RECOVERY_SECONDS = 30


class SlowPushService(PushReceiver):
    """Records each push as it arrives (the push service has it), answers after DELAY."""

    async def _handle(self, request):
        response = await super()._handle(request)
        await asyncio.sleep(DELAY)
        return response


def _travelers(receiver, country: str) -> dict[int, str]:
    """DEVICES travelers staying in ``country``, one device each: {device id: subscription}.
    Each test uses a country of its own: the module's database is shared."""
    made = {}
    for _ in range(DEVICES):
        made.update((device_id, name) for device_id, name, _ in
                    add_traveler(receiver, country, ["en"]))
    db.session.commit()
    return made


def _deliveries(app, alert_id: int) -> dict[int, tuple[str, int]]:
    """{device id: (state, attempts)} of the alert's deliveries."""
    with app.app_context():
        rows = db.session.execute(db.select(Delivery.device_id, Delivery.state, Delivery.attempts)
                                  .where(Delivery.alert_id == alert_id)).all()
        db.session.rollback()
    return {r.device_id: (r.state, r.attempts) for r in rows}


def _send_alert(app, country: str) -> int:
    """An admin signs in (TOTP) and sends an alert to ``country``; its fan-out goes to the
    broker of ``app``. Returns the alert id."""
    email = f"admin-{uuid.uuid4().hex[:6]}@example.org"
    with app.app_context():
        staff.create_staff(email=email, name="Admin", role="admin", password=STAFF_PASSWORD)
        db.session.commit()
    client = Auth(app).client()
    enrol(client, email)
    return create_and_send(client, alert_body({"kind": "country", "code": country}))["id"]


def _wait_for(condition, seconds: float, what: str, log=lambda: ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}\n{log()[-4000:]}")


def _some_but_not_all_sent(app, alert_id: int, *, in_flight: bool = False):
    """Some deliveries sent, at least two batches not; with ``in_flight``, also a batch
    claimed and not yet recorded (the push service holds it DELAY seconds): a moment to kill
    the worker at, rather than the gap between two of its batches."""
    def check():
        states = _deliveries(app, alert_id)
        sent = sum(state == "sent" for state, _ in states.values())
        claimed = sum(state == "pending" and attempts > 0 for state, attempts in states.values())
        return (len(states) == DEVICES and 0 < sent < DEVICES - 8
                and (claimed > 0 or not in_flight))
    return check


def _all_sent(app, alert_id: int):
    return lambda: {s for s, _ in _deliveries(app, alert_id).values()} == {"sent"}


def _assert_delivered_once_except_in_flight(receiver, devices: dict[int, str],
                                            at_fault: dict[int, tuple[str, int]]) -> Counter:
    """Every device got the alert; a device already ``sent`` when the fault hit got it exactly
    once; only deliveries in flight then (claimed, pending) may have got it twice, with the
    same tag. Returns the push count per device."""
    pushes = Counter(r.name for r in receiver.received())
    in_flight = {d for d, (state, attempts) in at_fault.items()
                 if state == "pending" and attempts > 0}
    assert receiver.rejections == []
    assert {d: pushes[name] > 0 for d, name in devices.items()} == dict.fromkeys(devices, True)
    sent_before = [d for d, (state, _) in at_fault.items() if state == "sent"]
    assert {d: pushes[devices[d]] for d in sent_before} == dict.fromkeys(sent_before, 1)
    twice = {d for d, name in devices.items() if pushes[name] > 1}
    assert twice <= in_flight, (twice, in_flight)
    assert max(pushes.values()) <= 2
    for d in twice:
        assert len({r.json["tag"] for r in receiver.received(devices[d])}) == 1
    return pushes


def _report(what: str, at_fault: dict, pushes: Counter) -> None:
    states = Counter(state if state != "pending" or not attempts else "in flight"
                     for state, attempts in at_fault.values())
    print(f"\n{what}: at the fault {dict(states)}; pushed twice: "  # noqa: T201
          f"{sum(n > 1 for n in pushes.values())} device(s)")


# Celery's default queue and kombu's bookkeeping of unacknowledged messages in Redis.
BROKER_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def broker_db(scaled_settings):
    """The broker's queue emptied before and after: a killed worker leaves its reserved
    messages behind, unacknowledged, for kombu to restore to a later worker an hour on."""
    client = redis.Redis.from_url(scaled_settings["broker_url"])
    client.delete(*BROKER_KEYS)
    yield
    client.delete(*BROKER_KEYS)
    client.close()


@pytest.fixture
def start_worker(scaled_settings, tmp_path_factory, request):
    """Start a worker process (stopped by a finalizer whatever happens) and wait until ready."""

    def _start(broker_url: str, config: dict) -> Worker:
        directory = tmp_path_factory.mktemp("worker")
        worker = Worker({**scaled_settings, "broker_url": broker_url}, directory,
                        directory / "worker.log", config=config,
                        beat="CELERY_BEAT_SCHEDULE" in config)
        request.addfinalizer(worker.stop)
        worker.wait_ready(WORKER_START_SECONDS)
        return worker

    return _start


def test_a_worker_process_killed_mid_fan_out_is_replaced_and_the_sweep_resumes(
        scaled_app, scaled_settings, broker_db, start_worker):
    with scaled_app.app_context():
        key = public_key()
    with SlowPushService(expected_vapid_public_key=key,
                         subject=scaled_app.config["VAPID_SUBJECT"]) as receiver:
        with scaled_app.app_context():
            devices = _travelers(receiver, "FR")
        first = start_worker(scaled_settings["broker_url"], WORKER_CONFIG)
        started = time.monotonic()
        alert_id = _send_alert(scaled_app, "FR")
        _wait_for(_some_but_not_all_sent(scaled_app, alert_id, in_flight=True), 20,
                  "some deliveries sent and a batch in flight", first.output)
        first.kill()
        at_kill = _deliveries(scaled_app, alert_id)
        sent = sum(state == "sent" for state, _ in at_kill.values())
        in_flight = sum(state == "pending" and n > 0 for state, n in at_kill.values())
        assert 0 < sent < DEVICES and in_flight > 0, at_kill

        second = start_worker(scaled_settings["broker_url"], WITH_BEAT)
        _wait_for(_all_sent(scaled_app, alert_id), RECOVERY_SECONDS, "every delivery sent",
                  second.output)
        pushes = _assert_delivered_once_except_in_flight(receiver, devices, at_kill)
        assert "broadcast.sweep_pending" in second.output()
        _report(f"worker killed ({time.monotonic() - started:.1f} s)", at_kill, pushes)


class RedisServer:
    """A redis-server of the test's own on a free port, without persistence: killing it loses
    every message, as a broker restart without persistence does."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: the broker cannot be restarted here")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.kill()


@pytest.fixture
def own_broker_app(app, scaled_app, scaled_settings, own_redis, tmp_path_factory):
    """The web app of the deployment, on the test's own broker."""
    live = make_test_app(
        tmp_path_factory,
        SQLALCHEMY_DATABASE_URI=scaled_app.config["SQLALCHEMY_DATABASE_URI"],
        CELERY_BROKER_URL=own_redis.url, SECRET_KEY=scaled_settings["secret_key"],
        VAPID_PRIVATE_KEY=scaled_settings["vapid_private_key"],
        PUSH_ALLOW_HTTP=True, PUSH_SERVICE_HOSTS=())
    yield live
    with live.app_context():
        db.engine.dispose()
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


def test_the_broker_restarted_mid_fan_out_loses_its_messages_and_the_sweep_resumes(
        own_broker_app, own_redis, start_worker):
    live = own_broker_app
    with live.app_context():
        key = public_key()
    with SlowPushService(expected_vapid_public_key=key,
                         subject=live.config["VAPID_SUBJECT"]) as receiver:
        with live.app_context():
            devices = _travelers(receiver, "BE")
        worker = start_worker(own_redis.url, WITH_BEAT)
        started = time.monotonic()
        alert_id = _send_alert(live, "BE")
        _wait_for(_some_but_not_all_sent(live, alert_id), 20, "some deliveries sent",
                  worker.output)
        own_redis.kill()  # queued and reserved messages are gone with it
        at_restart = _deliveries(live, alert_id)
        time.sleep(1)
        own_redis.start()
        _wait_for(_all_sent(live, alert_id), RECOVERY_SECONDS, "every delivery sent",
                  worker.output)
        log = worker.output()
        assert worker.process.poll() is None  # the same worker, reconnected:
        assert "Connection to broker lost" in log and log.count("Connected to redis") >= 2
        pushes = _assert_delivered_once_except_in_flight(receiver, devices, at_restart)
        _report(f"broker restarted ({time.monotonic() - started:.1f} s)", at_restart, pushes)
