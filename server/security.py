"""Security headers on every response.

The CSP allows no inline script or style markup (the apps keep everything in files); HSTS is
sent only when the request came over HTTPS (directly, or via a trusted proxy). An API answer
to a signed-in caller is personal: ``Cache-Control: no-store`` keeps it out of the browser's
and any proxy's HTTP cache (the PWA's own offline copy is the service worker's Cache API,
which ignores it).
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

from server.web.basemap import tile_origin

IMG_SRC = "img-src 'self' data: blob:"
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    IMG_SRC,
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=63072000; includeSubDomains"


def content_security_policy(app: Flask) -> str:
    """The CSP, with the console's tile server among the image sources when one is set."""
    origin = tile_origin(app.config)
    if origin is None:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(IMG_SRC, f"{IMG_SRC} {origin}")


def install(app: Flask) -> None:
    headers = {**HEADERS, "Content-Security-Policy": content_security_policy(app)}

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path.startswith("/api/") and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
