"""Fixtures: one app per session, every test inside a transaction that is rolled back.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
The schema is built by the Alembic migrations, so they are tested too.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from server import create_app
from server.db import db
from server.embassies.models import Embassy
from tests.auth import Auth
from tests.pushreceiver import RECEIVER_PORTS

pytest_plugins = ["tests.fixtures.push", "tests.fixtures.mail", "tests.fixtures.outboxes"]


def _services_per_worker() -> None:
    """Under pytest-xdist (``make test`` runs two workers) each worker has a PostgreSQL
    database and a Redis database of its own: the tests drop schemas and listen to channels."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1...
    if not worker:
        return
    if database := os.environ.get("TEST_DATABASE_URL"):
        from bench import pgdb

        os.environ["TEST_DATABASE_URL"] = pgdb.ensure(
            pgdb.with_database(database, f"{pgdb.database_of(database)}_{worker}"))
    if redis := os.environ.get("TEST_REDIS_URL"):
        base, _, number = redis.rpartition("/")
        os.environ["TEST_REDIS_URL"] = f"{base}/{(int(number or 0) - int(worker[2:])) % 16}"


_services_per_worker()

TEST_FIELD_KEY = "dGVzdC1maWVsZC1rZXktbm90LWZvci1wcm9kdWN0aW8="  # Fernet: 32 bytes, base64url


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema(app) -> None:
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def make_test_app(tmp_path_factory, **overrides):
    instance = tmp_path_factory.mktemp("instance")
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        # Fixed, like the secret key: every app of the suite reads what another one wrote.
        "FIELD_ENCRYPTION_KEYS": (TEST_FIELD_KEY,),
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
        # Bulk tests sign many people up and in from one address; the real limits are
        # proven by tests/security/test_rate_limits.py (the others stay as configured).
        "RATELIMIT_SIGNIN": "10000 per minute", "RATELIMIT_SIGNUP": "10000 per minute",
        "RATELIMIT_SIGNUP_EMAIL": "10000 per minute",
        "PUSH_SERVICE_PORTS": RECEIVER_PORTS,  # subscriptions to a local push receiver
    }
    config.update(overrides)
    return create_app(config, instance_path=str(instance))


def stop_background(app) -> None:
    """Stop a live app's in-process Celery worker and beat: left running, its beat goes on
    sending the periodic tasks through the process-wide in-memory broker, and a thread would
    reach the connection the other tests share."""
    beat, worker = app.extensions.get("celery_beat"), app.extensions.get("celery_worker")
    if beat is not None:
        beat.stop()
    if worker is not None:
        worker.stop(in_sighandler=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    # Background work runs inline: an embedded worker thread would reach the connection that
    # every test's transaction shares (rolled_back), from another thread. Live apps (browser,
    # scaled, Kannel) build their own.
    app = make_test_app(tmp_path_factory, CELERY_TASK_ALWAYS_EAGER=True)
    _reset_schema(app)
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(revision="heads")
    return app


@contextmanager
def mail_sent(app):
    """The messages the embedded outbox (instance/mail/) receives inside the block: a list,
    filled when the block ends."""
    from server.mail.outbox import outbox_directory
    from server.mail.transport import FileOutbox

    with app.app_context():
        outbox = FileOutbox(outbox_directory())
    before, sent = set(outbox.files()), []
    yield sent
    sent += [outbox.read(path) for path in outbox.files() if path not in before]


@contextmanager
def writing(app):
    """An app context whose transactions take SQLite's write lock at their first statement,
    for test code that reads and then writes beside a live app's threads (WAL refuses to
    turn a read that another commit has overtaken into a write)."""
    with app.app_context():
        session = db.session()
        session.execution_options = session.execution_options.union(
            {"sqlite_begin": "IMMEDIATE"})
        try:
            yield
        finally:
            db.session.remove()


@contextmanager
def rolled_back(app):
    """Bind the session to a new connection whose transaction is rolled back at the end (the
    requests' commits become savepoints in it). Nests: the one inside uses a connection of its
    own, so what happens in it cannot touch the outer one."""
    with app.app_context():
        engines = db.engines
        bound = engines[None]
        # An Engine's .engine is itself. DEFERRED: this transaction spans the whole test
        # and must not take SQLite's write lock before the test writes.
        connection = bound.engine.connect().execution_options(sqlite_begin="DEFERRED")
        transaction = connection.begin()
        engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = bound


@pytest.fixture(autouse=True)
def _rollback(request):
    """Each test's writes are rolled back after it (``rolled_back``).

    Only for tests that use the app; pure tests (geo, push) build no app at all.
    """
    if "app" not in request.fixturenames:
        yield
        return
    with rolled_back(request.getfixturevalue("app")):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Rate limits stay on in tests (sign-in and sign-up raised in make_test_app); each test
    starts uncounted."""
    if "app" in request.fixturenames:
        from server import ratelimit

        ratelimit.reset(request.getfixturevalue("app"))
    yield


@pytest.fixture
def auth(app, create_mission):
    """Signed-in clients: ``auth.client()``, ``auth.traveler(user)``, ``auth.signup(client)``,
    ``auth.staff(role, mission)`` (tests/auth.py)."""
    return Auth(app, create_mission)


@pytest.fixture
def client(auth):
    return auth.client()


def leg(country="FR", start=None, days=10, **fields):
    start = start or date.today() + timedelta(days=1)
    end = fields.pop("end", start + timedelta(days=days))
    return {"country": country, "start_date": start.isoformat(),
            "end_date": end.isoformat() if end else None, **fields}


def trip_body(*legs, **fields):
    return {"purpose": "tourism", "legs": list(legs) or [leg()],
            "emergency_contact": {"name": "Wang Fang", "phone": "+8613900139000"}, **fields}


@pytest.fixture
def create_trip():
    def _create(client, *legs, **fields):
        response = client.post("/api/trips", json=trip_body(*legs, **fields))
        assert response.status_code == 201, response.json
        return response.json

    return _create


@pytest.fixture
def create_mission(app):
    """Create a mission directly through the service (as the import CLI does)."""
    from server.embassies import services

    def _create(key="fr-paris", country="FR", jurisdiction=("FR",), kind="embassy", **fields):
        data = {"key": key, "kind": kind, "name": f"Mission {key}", "names": {},
                "country": country, "city": "City", "jurisdiction": list(jurisdiction),
                "address": "1 Sample Street", "lat": None, "lon": None,
                "phone": "+33199001234", "emergency_phone": "+33199001235",
                "email": f"{key}@example.org", "hours": None, "timezone": None, **fields}
        services.upsert_missions([data])
        return db.session.scalar(select(Embassy).where(Embassy.key == key))

    return _create
