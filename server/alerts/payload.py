"""What one push carries: small JSON the service worker turns into a notification.

The payload must stay under 3,993 bytes (4,096 once encrypted); a long description is cut
and the app fetches the full text from ``/api/alerts/<id>`` when opened.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from server.alerts.models import Alert
from server.push import MAX_PAYLOAD
from server.push.message import MAX_TTL

ELLIPSIS = "…"

# kind -> builder(alert, language, default) -> bytes, for alert rows that carry another
# feature's push (see ``Alert.kind``); the feature registers its builder in ``create_app``.
BUILDERS: dict[str, Callable[[Alert, str, str], bytes]] = {}


def register(kind: str, builder: Callable[[Alert, str, str], bytes]) -> None:
    BUILDERS[kind] = builder


def _encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def payload(alert: Alert, language: str, default: str) -> bytes:
    """``{kind, alert_id, headline, body, severity, url, tag}`` in ``language`` (another
    kind's push: its registered builder's payload). ``kind`` is what the phone reads to tell
    messages apart: "alert", "update" or "cancel" here (the CAP msgType)."""
    if alert.kind != "alert":
        return BUILDERS[alert.kind](alert, language, default)
    text = alert.text_for(language, default)
    data = {"kind": alert.msg_type.lower(), "alert_id": alert.id, "headline": text.headline,
            "body": text.description, "severity": alert.severity,
            "url": f"/alerts/{alert.id}", "tag": f"alert-{alert.thread_id}"}
    encoded = _encode(data)
    while len(encoded) > MAX_PAYLOAD:
        body = data["body"].encode()
        keep = max(0, len(body) - (len(encoded) - MAX_PAYLOAD) - len(ELLIPSIS.encode()) - 8)
        data["body"] = body[:keep].decode(errors="ignore").rstrip(ELLIPSIS) + ELLIPSIS
        encoded = _encode(data)
    return encoded


def ttl(alert: Alert, now: datetime) -> int:
    """Keep the message at the push service until the alert expires (a phone may be off)."""
    return max(0, min(MAX_TTL, int((alert.expires - now).total_seconds())))


def urgency(alert: Alert) -> str:
    return "high" if alert.needs_second_person else "normal"


def topic(alert: Alert) -> str:
    """A newer message of the same thread replaces one still queued at the push service."""
    return f"alert-{alert.thread_id}"
