"""The database unavailable for a while during sign-up or SOS: the API answers 503 with
Retry-After, nothing is half-written, and the same request succeeds once it is back.

Runs on a live app whose requests commit for real (file SQLite, or TEST_DATABASE_URL). The
outage is injected in-process at the driver boundary (every statement, or only the commit,
raises OperationalError while it lasts), the way a dropped PostgreSQL connection surfaces.
That the phone keeps the SOS queued meanwhile is proven by the browser test
(tests/browser/test_sos.py).
"""
from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, event, func, select
from sqlalchemy.exc import OperationalError

from server.accounts.models import PendingSignup, User
from server.audit import services as audit
from server.audit.models import AuditEvent
from server.db import db
from server.sos.models import SosCase, SosPosition
from tests.auth import TEST_PASSWORD, ApiClient, Auth, complete_signup, sign_up
from tests.conftest import make_test_app, stop_background
from tests.sos.helpers import sos_body

EMAIL = "outage@example.org"


class Outage:
    """While ``down``, statements matching ``only`` (all when None) fail, or the commit."""

    def __init__(self, engine):
        self.down, self.only, self.at_commit, self.failures = False, None, False, 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _fail(self, what):
        self.failures += 1
        raise OperationalError(what, None, ConnectionError("the database is unreachable"))

    def _statement(self, _conn, _cursor, statement, *_args):
        if self.down and not self.at_commit and (self.only is None or self.only in statement):
            self._fail(statement)

    def _commit(self, _conn):
        if self.down and self.at_commit:
            self._fail("COMMIT")


@pytest.fixture(scope="module")
def live_app(app, tmp_path_factory):
    """One live app for the module (building and migrating one takes a second)."""
    live = make_test_app(tmp_path_factory)
    live.test_client_class = ApiClient
    app.extensions["celery"].set_default()
    with live.app_context():
        upgrade(revision="heads")
        outage = Outage(db.engine)
    yield live, outage
    with live.app_context():
        db.engine.dispose()
    stop_background(live)
    app.extensions["celery"].set_default()


@pytest.fixture
def live(live_app):
    live, outage = live_app
    outage.down, outage.only, outage.at_commit, outage.failures = False, None, False, 0
    yield live, outage
    outage.down = False
    with live.app_context():  # on a shared PostgreSQL database, leave nothing behind
        audit.purge(AuditEvent.actor_label == EMAIL)
        db.session.execute(delete(SosCase).where(SosCase.user_email == EMAIL))
        db.session.execute(delete(User).where(User.email == EMAIL))
        db.session.commit()


def _count(live, model, *where) -> int:
    with live.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


SIGNUP = {"email": EMAIL, "password": TEST_PASSWORD, "name": "Outage Traveler",
          "phone": "+8613800138000", "language": "en"}


def _assert_unavailable(response):
    assert response.status_code == 503, response.json
    assert response.json["code"] == 503
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("where", ["every statement", "the commit"])
def test_sign_up_during_an_outage_is_503_and_leaves_nothing(live, where):
    live, outage = live
    client = Auth(live).client()
    outage.down, outage.at_commit = True, where == "the commit"
    _assert_unavailable(client.post("/api/auth/signup", json=SIGNUP))
    assert outage.failures >= 1
    outage.down = False
    assert _count(live, PendingSignup, PendingSignup.email == EMAIL) == 0
    # Back up: the same sign-up works (nothing half-written stands in its way).
    assert client.post("/api/auth/signup", json=SIGNUP).status_code == 202
    complete_signup(client, EMAIL)
    assert _count(live, User, User.email == EMAIL) == 1


@pytest.mark.parametrize("where", ["INSERT INTO sos_positions", "INSERT INTO audit_events",
                                   "COMMIT"])
def test_sos_during_an_outage_is_503_and_the_replay_makes_one_case(live, where):
    live, outage = live
    phone = Auth(live).client()
    sign_up(phone, SIGNUP)
    body = sos_body(lat=48.85, lon=2.35, accuracy=30, message="help")
    # The case row is written first; the database goes away before the request ends.
    outage.down, outage.at_commit = True, where == "COMMIT"
    outage.only = None if where == "COMMIT" else where
    _assert_unavailable(phone.post("/api/sos", json=body))
    assert outage.failures == 1
    outage.down = False
    assert _count(live, SosCase, SosCase.client_uuid == body["client_uuid"]) == 0
    assert _count(live, SosPosition) == 0
    assert _count(live, AuditEvent, AuditEvent.action == "sos.raise",
                  AuditEvent.actor_label == EMAIL) == 0
    # The phone kept it in its outbox and sends it again with the same UUID.
    replay = phone.post("/api/sos", json=body)
    assert replay.status_code == 201, replay.json
    assert phone.post("/api/sos", json=body).status_code == 200
    assert _count(live, SosCase, SosCase.client_uuid == body["client_uuid"]) == 1
    assert _count(live, AuditEvent, AuditEvent.action == "sos.raise",
                  AuditEvent.actor_label == EMAIL) == 1
