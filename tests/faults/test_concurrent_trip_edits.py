"""Concurrent edits of one trip, from two threads on a live app (file database, real commits):
no update is lost. Without ``version`` the later write to a field wins and untouched fields
are kept; with ``version`` a stale edit is refused with 409 (see the README)."""
from __future__ import annotations

import threading
import time
from functools import partial

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete

from server.accounts.models import User
from server.db import db
from tests.auth import TEST_PASSWORD, ApiClient, Auth, sign_up
from tests.conftest import make_test_app, stop_background, trip_body

EMAIL = "concurrent-trip@example.org"
ROUNDS = 5


@pytest.fixture
def live(app, tmp_path_factory):
    live = make_test_app(tmp_path_factory)
    live.test_client_class = ApiClient
    app.extensions["celery"].set_default()
    with live.app_context():
        upgrade(revision="heads")
    yield live
    with live.app_context():
        db.session.execute(delete(User).where(User.email == EMAIL))
        db.session.commit()
        db.engine.dispose()
    stop_background(live)
    app.extensions["celery"].set_default()


def _phones(live, count=2):
    """``count`` browsers signed in to one account, and its trip."""
    first = Auth(live).client()
    sign_up(first, {"email": EMAIL, "password": TEST_PASSWORD, "name": "Two Phones",
                    "phone": "+8613800138000", "language": "en"})
    trip = first.post("/api/trips", json=trip_body())
    assert trip.status_code == 201, trip.json
    phones = [first]
    for _ in range(count - 1):
        other = Auth(live).client()
        assert other.post("/api/auth/login", json={"email": EMAIL,
                                                   "password": TEST_PASSWORD}).status_code == 200
        phones.append(other)
    return phones, trip.json


def _together(*calls):
    """Run the calls in threads released at the same instant; returns their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index):
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _patch_until_done(phone, url, body, attempts=20):
    """What the app does: send again while the server says "briefly unavailable" (503) or,
    for an edit without a version, "changed meanwhile" (409). Returns every status seen."""
    statuses = []
    for _ in range(attempts):
        response = phone.patch(url, json=body)
        statuses.append(response.status_code)
        if response.status_code == 200 or ("version" in body and response.status_code == 409):
            return statuses
        assert response.status_code in (409, 503), response.json
        time.sleep(0.02)
    return statuses


def test_concurrent_edits_without_version_lose_nothing(live):
    (one, two), trip = _phones(live)
    url = f"/api/trips/{trip['id']}"
    for n in range(ROUNDS):
        notes = {"notes": f"round {n}: from phone one"}
        companions = {"companions": [{"name": f"Companion {n}", "relationship": "friend"}]}
        results = _together(partial(_patch_until_done, one, url, notes),
                            partial(_patch_until_done, two, url, companions))
        assert all(statuses[-1] == 200 for statuses in results), results
        final = one.get(url).json
        assert final["notes"] == notes["notes"]  # both edits are there
        assert [c["name"] for c in final["companions"]] == [f"Companion {n}"]
    # Every successful write made exactly one new version: none was applied and then lost.
    assert final["version"] == trip["version"] + 2 * ROUNDS


def test_concurrent_edits_of_one_version_let_exactly_one_through(live):
    (one, two), trip = _phones(live)
    url = f"/api/trips/{trip['id']}"
    version = trip["version"]
    for n in range(ROUNDS):
        results = _together(
            partial(_patch_until_done, one, url, {"notes": f"one {n}", "version": version}),
            partial(_patch_until_done, two, url, {"notes": f"two {n}", "version": version}))
        finals = sorted(statuses[-1] for statuses in results)
        assert finals == [200, 409], results
        current = one.get(url).json
        winner = "one" if results[0][-1] == 200 else "two"
        assert current["notes"] == f"{winner} {n}" and current["version"] == version + 1
        version = current["version"]
        refused = (two if winner == "one" else one).patch(
            url, json={"notes": "stale", "version": version - 1})
        assert refused.status_code == 409
        assert refused.json["errors"]["json"]["version"]
