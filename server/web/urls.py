"""Absolute URLs on the configured public origin (``PUBLIC_URL``), never on the request's Host
header, which a client chooses: for feeds, CAP documents and links sent in messages."""
from __future__ import annotations

from flask import current_app


def public_url(path: str) -> str:
    """``path``, from the app's root (``/api/alerts/feed.atom``, ``/#/alerts/5``), as an absolute
    URL on the public origin."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/{path.lstrip('/')}"


def public_url_for(endpoint: str, **values) -> str:
    """The public URL of a view; works outside a request too (a task writing an email)."""
    # Bound to no real host: only the path is built, the origin is PUBLIC_URL's.
    path = current_app.url_map.bind("public.invalid").build(endpoint, values)
    return public_url(path)
