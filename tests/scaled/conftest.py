"""The scaled-out path for real: PostgreSQL, a Redis broker, a Celery worker *process*, and the
web app served over HTTP from a thread.

Needs TEST_DATABASE_URL and TEST_REDIS_URL (``.ci/run`` sets both). It works in a database of
its own, ``<test database>_scaled`` on the same server, because the suite's session fixture
drops and recreates the public schema of TEST_DATABASE_URL.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from bench import pgdb
from server.db import db
from server.push import generate_vapid_keypair
from tests.auth import ApiClient
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "scaled-test-secret-key"
WORKER_START_SECONDS = 30


def _required_env() -> tuple[str, str]:
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if not database or not redis:
        pytest.skip("the scaled path needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL "
                    "(Redis); .ci/run sets both")
    return database, redis


@pytest.fixture(scope="module")
def scaled_settings():
    """Database, broker and the secrets every process of the deployment shares."""
    database, redis = _required_env()
    url = pgdb.with_database(database, pgdb.database_of(database) + "_scaled")
    pgdb.ensure(url)
    return {"database_url": url, "broker_url": redis, "secret_key": SECRET_KEY,
            "vapid_private_key": generate_vapid_keypair()[0]}


@pytest.fixture(scope="module")
def scaled_app(app, scaled_settings, tmp_path_factory):
    """The web app configured as a scaled-out deployment, on a freshly migrated schema."""
    from flask_migrate import upgrade

    live = make_test_app(
        tmp_path_factory,
        SQLALCHEMY_DATABASE_URI=scaled_settings["database_url"].replace(
            "postgresql://", "postgresql+psycopg://", 1),
        CELERY_BROKER_URL=scaled_settings["broker_url"],
        SECRET_KEY=scaled_settings["secret_key"],
        VAPID_PRIVATE_KEY=scaled_settings["vapid_private_key"],
        PUSH_ALLOW_HTTP=True, PUSH_SERVICE_HOSTS=())
    live.test_client_class = ApiClient
    with live.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
    yield live
    with live.app_context():
        db.engine.dispose()
    # Building an app makes its Celery the default one: give it back to the suite's app.
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


@pytest.fixture(scope="module")
def web_server(scaled_app):
    """The scaled app served over HTTP on a loopback port (a thread, like one gunicorn worker)."""
    server = make_server("127.0.0.1", 0, scaled_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="scaled-web")
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


class Worker:
    """``celery -A server.celery_app:celery worker`` in its own process group.

    ``config``: settings a fault test shortens (see worker_app.py); ``beat``: run the beat
    schedule inside the worker (``-B``), as a small deployment does."""

    def __init__(self, settings: dict, instance: Path, log: Path, config: dict | None = None,
                 beat: bool = False) -> None:
        self.log = log
        env = {**os.environ,
               "DATABASE_URL": settings["database_url"],
               "CELERY_BROKER_URL": settings["broker_url"],
               "SECRET_KEY": settings["secret_key"],
               "VAPID_PRIVATE_KEY": settings["vapid_private_key"],
               "PUSH_ALLOW_HTTP": "1", "PUSH_SERVICE_HOSTS": "",
               "COMPATRIOT_INSTANCE_PATH": str(instance),
               "SCALED_WORKER_CONFIG": json.dumps(config or {})}
        env.pop("TEST_DATABASE_URL", None)
        app = "tests.scaled.worker_app:celery" if config else "server.celery_app:celery"
        command = [sys.executable, "-m", "celery", "-A", app, "worker",
                   "--loglevel", "INFO", "--concurrency", "2", "--hostname",
                   f"scaled-test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip",
                   "--without-mingle", "--without-heartbeat", *(["-B"] if beat else [])]
        self._out = open(log, "wb")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._out,  # noqa: S603
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"the Celery worker did not start:\n{self.output()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole group (the main process and its pool): no shutdown at all."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM to the group (warm shutdown), SIGKILL if it lingers; never left running."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
            except ProcessLookupError:
                pass
        self._out.close()


@pytest.fixture(scope="module")
def celery_worker(scaled_settings, scaled_app, tmp_path_factory, request):
    """A real worker process on the Redis broker, stopped by a finalizer whatever happens."""
    directory = tmp_path_factory.mktemp("worker")
    worker = Worker(scaled_settings, directory, directory / "worker.log")
    request.addfinalizer(worker.stop)
    worker.wait_ready(WORKER_START_SECONDS)
    return worker


def add_traveler(receiver, country: str, languages: list[str]) -> list[tuple[int, str, str]]:
    """A traveler made in the database, staying in ``country``, with one device per language
    subscribed at ``receiver``: [(device id, subscription name, language)]."""
    from server.accounts.models import User
    from server.devices.models import Device
    from server.trips.models import Leg, Trip
    from tests.fixtures.push import here
    from tests.pushreceiver import make_subscription

    user = User(email=f"t-{uuid.uuid4().hex[:8]}@example.org", password_hash="x",
                name="Traveler", language="en", role="traveler")
    db.session.add(user)
    db.session.flush()
    _, _, _, _, start, end = here(country)
    trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="W",
                emergency_contact_phone="+8613900139000", start_date=start, end_date=end)
    trip.legs = [Leg(user_id=user.id, country=country, start_date=start, end_date=end)]
    db.session.add(trip)
    made = []
    for language in languages:
        sub = make_subscription(receiver, f"{country}-{uuid.uuid4().hex[:10]}")
        device = Device(user_id=user.id, endpoint=sub.endpoint, p256dh=sub.p256dh,
                        auth=sub.auth, language=language)
        db.session.add(device)
        db.session.flush()
        made.append((device.id, sub.name, language))
    return made
