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
