"""What /api/openapi.json says beyond the schemas: how a caller authenticates, per operation,
and the content of answers that are not JSON.

The session cookie carries sign-in (and the CSRF token's secret, signed in or not); every
write also needs the ``X-CSRFToken`` header, the value of the ``csrf_token`` cookie that any
/api/ response sets. An operation is documented as signed-in when its view is marked by
``requires_sign_in`` (``server.auth.login_required`` and ``require_staff`` are).
"""
from __future__ import annotations

from apispec import BasePlugin
from flask import Flask

SESSION, CSRF = "sessionCookie", "csrfHeader"
WRITES = frozenset({"post", "put", "patch", "delete"})


def requires_sign_in(view):
    """Mark a view, or a decorator for views, as one that needs a signed-in caller."""
    view.requires_sign_in = True
    return view


def text_response(media_type: str, description: str) -> dict:
    """A documented 200 whose body is text of ``media_type`` (XML, CSV), for ``blp.doc``."""
    return {200: {"description": description,
                  "content": {media_type: {"schema": {"type": "string"}}}}}


def _signed_in(view, method: str) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is None:  # a plain function view
        return getattr(view, "requires_sign_in", False)
    # functools.wraps copies the mark up through the decorators stacked on a method.
    marked = getattr(getattr(view_class, method, None), "requires_sign_in", False)
    return marked or any(getattr(d, "requires_sign_in", False) for d in view_class.decorators)


def security(signed_in: bool, method: str) -> list[dict]:
    """Public reads: none; public writes: the CSRF header; signed-in: the cookie (and the
    header for writes)."""
    needs = ([SESSION] if signed_in else []) + ([CSRF] if method in WRITES else [])
    return [{scheme: [] for scheme in needs}] if needs else []


class AuthPlugin(BasePlugin):
    """Adds the security schemes, and each operation's ``security`` from its view's mark."""

    def __init__(self, app: Flask):
        self.app = app

    def init_spec(self, spec) -> None:
        spec.components.security_scheme(SESSION, {
            "type": "apiKey", "in": "cookie", "name": self.app.config["SESSION_COOKIE_NAME"],
            "description": "Set by signing in (POST /api/auth/login, /api/staff/auth/enrol)."})
        spec.components.security_scheme(CSRF, {
            "type": "apiKey", "in": "header", "name": "X-CSRFToken",
            "description": "The csrf_token cookie's value, which every /api/ response sets; "
                           "it is bound to the session cookie sent with it."})

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        view = self.app.view_functions[kwargs["rule"].endpoint]
        for method, operation in (operations or {}).items():
            operation["security"] = security(_signed_in(view, method), method)
