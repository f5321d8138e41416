"""Helpers every kind's phone payload uses: compact JSON, and fitting under Web Push's limit.

One field, ``kind``, says what a payload is ("alert", "update", "cancel", "rollcall", "sos");
the service worker (``pwa/sw/notify.js``) reads only that.
"""
from __future__ import annotations

import json

from server.push import MAX_PAYLOAD

ELLIPSIS = "…"


def encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def fit(data: dict, field: str) -> bytes:
    """``data`` encoded, its ``field`` cut (with an ellipsis) until it fits in one push (the
    app fetches the full text when opened)."""
    encoded = encode(data)
    while len(encoded) > MAX_PAYLOAD:
        text = data[field].encode()
        keep = max(0, len(text) - (len(encoded) - MAX_PAYLOAD) - len(ELLIPSIS.encode()) - 8)
        data[field] = text[:keep].decode(errors="ignore").rstrip(ELLIPSIS) + ELLIPSIS
        encoded = encode(data)
    return encoded
