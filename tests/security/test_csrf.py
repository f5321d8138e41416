"""CSRF: every write route of the app, taken from its own url_map, refuses a
cookie-authenticated request without the X-CSRFToken header, or with a wrong one, before the
view runs; with the token the same request gets past the check."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.security.test_authz_matrix import routes

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Writes whose credential is a signed token in the form, not the session cookie (a forger
# would need the link itself): exempt from the session's CSRF check, refused without it.
TOKEN_CREDENTIAL = {"rollcalls.EmailAnswer"}
CSRF_MESSAGE = "Your security token is missing or expired. Reload the page and try again."


def _writes(app):
    adapter = app.url_map.bind("localhost")
    for endpoint, method, rule in routes(app):
        if method in WRITES and endpoint not in TOKEN_CREDENTIAL:
            values = {name: "00000000-0000-4000-8000-000000000000" if name == "client_uuid"
                      else "en" if name in ("locale", "code", "filename") else 1
                      for name in rule.arguments}
            yield method, adapter.build(endpoint, values, method=method)


def _without_echo(app, signed_in):
    """A client sharing the signed-in browser's cookies that does not send the header."""
    app.test_client_class = FlaskClient
    raw = app.test_client()
    raw._cookies = signed_in._cookies
    return raw


def _refused_for_csrf(response) -> bool:
    return (response.status_code == 400 and response.json["message"] == CSRF_MESSAGE
            and "X-CSRFToken" in response.json["errors"]["headers"])


@pytest.mark.parametrize("who", ["traveler", "officer"])
def test_every_write_route_needs_the_csrf_token(app, client, auth, who):
    if who == "traveler":
        auth.signup(client)
        signed_in = client
    else:
        signed_in, _ = auth.staff("officer", "fr-paris")
    raw = _without_echo(app, signed_in)
    writes = list(_writes(app))
    assert len(writes) > 30  # the enumeration found the API
    missing, wrong = [], []
    for method, url in writes:
        if not _refused_for_csrf(raw.open(url, method=method, json={})):
            missing.append(f"{method} {url}")
        if not _refused_for_csrf(raw.open(url, method=method, json={},
                                          headers={"X-CSRFToken": "forged"})):
            wrong.append(f"{method} {url}")
    assert missing == [] and wrong == []
    # The same session with its token is not refused for CSRF (the check is the token's).
    for method, url in writes:
        assert not _refused_for_csrf(signed_in.open(url, method=method, json={})), url


def test_a_token_from_another_session_is_refused(app, client, auth):
    other_client = auth.client()
    auth.signup(client)
    auth.signup(other_client)
    raw = _without_echo(app, client)
    foreign = other_client.get_cookie("csrf_token").value
    response = raw.post("/api/trips", json={}, headers={"X-CSRFToken": foreign})
    assert _refused_for_csrf(response)


def test_a_token_credential_write_does_nothing_for_a_session_alone(app, client, auth):
    auth.signup(client)
    raw = _without_echo(app, client)
    response = raw.post("/api/rollcalls/1/email-answer", data={})
    assert response.status_code == 400 and response.mimetype == "text/html"
