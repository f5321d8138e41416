"""Never lost, never doubled: concurrent replays and a server restart, on a real database.

These tests run against a live app on a file SQLite database (or TEST_DATABASE_URL), whose
requests commit for real, not inside the rolled-back test transaction.
"""
from __future__ import annotations

import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, func, select

from server.accounts.models import User
from server.audit import services as audit
from server.audit.models import AuditEvent
from server.db import db
from server.sos.models import SosCase, SosFollowUp
from tests.auth import TEST_PASSWORD, ApiClient, Auth, sign_up
from tests.conftest import make_test_app, stop_background
from tests.sos.helpers import sos_body

EMAIL = "live-sos@example.org"
REPLAYS = 50


def _start(tmp_path_factory, database_uri=None):
    overrides = {"SQLALCHEMY_DATABASE_URI": database_uri} if database_uri else {}
    live = make_test_app(tmp_path_factory, **overrides)
    live.test_client_class = ApiClient
    return live


def _stop(live) -> None:
    stop_background(live)  # its beat would reach the connection the other tests share
    with live.app_context():
        db.engine.dispose()


def _signed_in(live, signup_first=False):
    client = Auth(live).client()
    if signup_first:
        sign_up(client, {"email": EMAIL, "password": TEST_PASSWORD, "name": "Live Traveler",
                         "phone": "+8613800138000", "language": "en"})
        return client
    response = client.post("/api/auth/login", json={"email": EMAIL, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.json
    return client


def _cases(live) -> int:
    with live.app_context():
        return db.session.scalar(select(func.count()).select_from(SosCase).where(
            SosCase.user_email == EMAIL))


@pytest.fixture
def live_app(app, tmp_path_factory):
    """A second app whose requests really commit; ``app`` first makes sure the schema exists."""
    live = _start(tmp_path_factory)
    app.extensions["celery"].set_default()  # creating an app made its Celery the default
    with live.app_context():
        upgrade(revision="heads")
    yield live
    with live.app_context():  # on a shared PostgreSQL database, leave nothing behind
        audit.purge(AuditEvent.actor_label == EMAIL)  # the log is append-only otherwise
        db.session.execute(delete(SosCase).where(SosCase.user_email == EMAIL))
        db.session.execute(delete(User).where(User.email == EMAIL))
        db.session.commit()
    _stop(live)
    app.extensions["celery"].set_default()


def test_fifty_concurrent_replays_make_exactly_one_case(live_app):
    _signed_in(live_app, signup_first=True)
    clients = [_signed_in(live_app) for _ in range(REPLAYS)]
    body = sos_body(lat=48.85, lon=2.35, accuracy=40, message="help")
    barrier = threading.Barrier(REPLAYS)
    results: list = [None] * REPLAYS

    def replay(index):
        barrier.wait()
        response = clients[index].post("/api/sos", json=body)
        results[index] = (response.status_code, response.json)

    threads = [threading.Thread(target=replay, args=(i,)) for i in range(REPLAYS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (REPLAYS - 1) + [201], results
    assert {json["client_uuid"] for _, json in results} == {body["client_uuid"]}
    assert len({json["received_at"] for _, json in results}) == 1
    assert _cases(live_app) == 1


def test_concurrent_replays_of_an_edited_sos_add_its_new_text_once(live_app):
    first = _signed_in(live_app, signup_first=True)
    body = sos_body(message="help")
    assert first.post("/api/sos", json=body).status_code == 201
    edited = {**body, "message": "help, I am at the station now"}
    clients = [_signed_in(live_app) for _ in range(20)]
    barrier = threading.Barrier(len(clients))
    statuses: list = []

    def replay(client):
        barrier.wait()
        statuses.append(client.post("/api/sos", json=edited).status_code)

    threads = [threading.Thread(target=replay, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # PostgreSQL: the row lock queues them (all 200). SQLite: a writer that lost the race
    # gets 503 and the phone replays later, which then changes nothing.
    assert 200 in statuses and set(statuses) <= {200, 503}, statuses
    with live_app.app_context():
        texts = db.session.scalars(select(SosFollowUp.text).join(SosCase).where(
            SosCase.client_uuid == body["client_uuid"])).all()
    assert texts == ["help, I am at the station now"]


def test_a_restart_between_queue_and_replay_still_delivers_once(live_app, tmp_path_factory, app):
    phone = _signed_in(live_app, signup_first=True)
    body = sos_body(message="sent just before the server went down")
    first = phone.post("/api/sos", json=body)
    assert first.status_code == 201
    # The response never reached the phone; the server restarts on the same database.
    uri = live_app.config["SQLALCHEMY_DATABASE_URI"]
    _stop(live_app)
    restarted = _start(tmp_path_factory, uri)
    app.extensions["celery"].set_default()
    try:
        same_phone = restarted.test_client()  # the phone keeps its cookies across the restart
        for name in ("compatriot_session", "remember_token", "csrf_token"):
            cookie = phone.get_cookie(name)
            if cookie is not None:
                same_phone.set_cookie(name, cookie.value)
        replay = same_phone.post("/api/sos", json=body)
        assert replay.status_code == 200, replay.json
        assert replay.json == first.json
        assert _cases(restarted) == 1
        queued = sos_body(message="queued while the server was down")
        assert same_phone.post("/api/sos", json=queued).status_code == 201
        assert same_phone.post("/api/sos", json=queued).status_code == 200
        assert _cases(restarted) == 2
    finally:
        _stop(restarted)
