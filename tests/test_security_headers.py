"""Security headers on every kind of response."""
import pytest

from server.security import CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/", "/sw.js", "/api/config", "/api/me", "/api/nothing"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/api/config").headers
    secure = client.get("/api/config", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_signed_in_api_answers_are_never_stored(client, auth, create_trip):
    auth.signup(client)
    create_trip(client)
    for path in ("/api/me", "/api/me/export", "/api/trips", "/api/config"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    officer, _ = auth.staff("officer", "fr-paris")
    for path in ("/api/staff/me", "/api/staff/travelers?q=li", "/api/staff/sos"):
        assert officer.get(path).headers["Cache-Control"] == "no-store", path


def test_anonymous_api_answers_may_be_cached(auth):
    other_client = auth.client()
    assert "no-store" not in other_client.get("/api/config").headers.get("Cache-Control", "")
