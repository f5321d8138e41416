"""Issue 15: requests that used to answer 405 or a 500 get the documented 404/400/422 in the
one error shape (each test sends the request that showed it)."""
from datetime import UTC, datetime

import pytest
from flask import Blueprint

from tests.sos.helpers import sos_body

HUGE = 10**30


def _shape(response, status):
    assert response.status_code == status, response.data[:300]
    assert response.is_json and set(response.json) >= {"code", "status", "message"}
    assert response.json["code"] == status
    return response.json


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_malformed_id_in_a_path_is_a_404(client, auth, method):
    auth.signup(client)
    _shape(getattr(client, method)("/api/trips/abc", json={}), 404)


def test_a_malformed_uuid_in_a_path_is_a_404(client, auth):
    auth.signup(client)
    _shape(client.post("/api/sos/not-a-uuid/cancel"), 404)


def test_an_id_beyond_the_column_is_a_422_naming_the_field(client, auth):
    auth.signup(client)
    body = _shape(client.post("/api/sos", json=sos_body(trip_id=HUGE)), 422)
    assert "trip_id" in body["errors"]["json"]


@pytest.mark.parametrize("url, field", [
    (f"/api/staff/audit?before_id={HUGE}", "before_id"),
    (f"/api/staff/alerts?before={HUGE}", "before"),
    (f"/api/staff/audit?actor={HUGE}", None),  # not an id a user can have: no match, no 500
])
def test_query_integers_are_bounded(client, auth, url, field):
    auth.staff("admin", client=client)
    if field is None:
        assert client.get(url).status_code == 200
        return
    assert field in _shape(client.get(url), 422)["errors"]["query"]


def test_a_body_nested_too_deep_to_parse_is_a_400(client, auth):
    auth.signup(client)
    body = _shape(client.post("/api/trips", data="[" * 100_000,
                              content_type="application/json"), 400)
    assert body["errors"] == {"json": ["Invalid JSON body."]}


def test_a_lone_surrogate_is_a_422_naming_the_field(client, auth):
    auth.signup(client)
    response = client.patch("/api/me", data='{"name": "\\ud800"}',
                            content_type="application/json")
    assert "name" in _shape(response, 422)["errors"]["json"]


@pytest.mark.parametrize("raised_at", ["0001-01-01T00:00:00Z", "2000-01-01T00:00:00Z"])
def test_an_sos_time_long_past_is_refused(client, auth, raised_at):
    auth.signup(client)
    body = _shape(client.post("/api/sos", json=sos_body(raised_at=raised_at)), 422)
    assert "raised_at" in body["errors"]["json"]


def test_an_sos_time_a_little_ahead_is_a_skewed_clock_and_accepted(client, auth):
    auth.signup(client)
    ahead = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    assert client.post("/api/sos", json=sos_body(raised_at=ahead)).status_code == 201


def test_an_unexpected_exception_is_a_logged_500_in_the_one_shape(tmp_path_factory):
    import logging

    from tests.conftest import make_test_app

    app = make_test_app(tmp_path_factory)
    logged: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = logged.append  # the app's own logger: other tests may stop propagation
    app.logger.addHandler(handler)
    broken = Blueprint("broken", __name__)

    @broken.route("/api/broken")
    def fail():
        raise RuntimeError("boom")

    app.register_blueprint(broken)
    response = app.test_client().get("/api/broken")
    assert _shape(response, 500)["message"]
    app.logger.removeHandler(handler)
    assert any(record.exc_info and record.exc_info[0] is RuntimeError for record in logged)


def test_a_body_nested_as_deep_as_the_parser_allows_is_a_422(client, auth):
    auth.signup(client)
    deep = "[" * 900 + "]" * 900
    response = client.patch("/api/me", data=f'{{"name": {deep}}}',
                            content_type="application/json")
    assert "name" in _shape(response, 422)["errors"]["json"]
