"""Property-based bad input: any JSON to any write endpoint of the OpenAPI document -> no 5xx.

The endpoints come from the app's own OpenAPI document, so a new endpoint is fuzzed too.
"""
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import rolled_back

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
FIELDS = st.sampled_from(["email", "password", "name", "phone", "language", "legs", "purpose",
                          "emergency_contact", "companions", "country", "start_date",
                          "end_date", "lat", "lon", "version", "current_password"])
BODIES = JSON | st.dictionaries(FIELDS, JSON, max_size=6)


def _operations(client):
    """(method, path, whether the document declares an HTML page among its answers)."""
    spec = client.get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("post", "patch", "put", "delete", "get"):
                html = any("text/html" in answer.get("content", {})
                           for answer in operation.get("responses", {}).values())
                yield method, re.sub(r"\{[^}]+\}", "1", path), html


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=BODIES, data=st.data())
def test_no_server_error_for_any_json_body(app, auth, body, data):
    # Each example on a connection and a signed-in traveler of its own: examples cannot leak
    # into each other, so a failure replays as itself and shrinks to a falsifying example.
    with rolled_back(app):
        client = auth.client()
        auth.signup(client)
        method, path, html = data.draw(st.sampled_from(sorted(_operations(client))))
        if path in ("/api/auth/logout",) or (method == "delete" and path == "/api/me"):
            return  # would end the signed-in session the other checks rely on
        response = client.open(path, method=method.upper(), json=body)
        assert response.status_code < 500, (method, path, body, response.json)
        # Documented non-JSON exports (CAP XML, Atom) and the pages of links opened from an
        # email (declared text/html) aside, every answer is JSON.
        html_page = html and response.mimetype == "text/html"
        assert response.is_json or response.status_code == 204 or html_page or \
            response.mimetype in ("application/cap+xml", "application/atom+xml")
        # A refused request leaves the server able to serve the next one.
        assert client.get("/api/me").status_code < 500


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=st.dictionaries(st.sampled_from(["country", "subdivision", "lat", "lon", "when",
                                              "lang"]), st.text(max_size=20), max_size=4))
def test_no_server_error_for_any_query(client, query):
    for path in ("/api/embassies", "/api/embassies/serving", "/api/places/countries",
                 "/api/trips"):
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query, response.json)
