"""What one alert push carries: small JSON the service worker turns into a notification.

The payload must stay under 3,993 bytes (4,096 once encrypted); a long description is cut
and the app fetches the full text from ``/api/alerts/<id>`` when opened.
"""
from __future__ import annotations

from server.alerts.models import Alert
from server.broadcast.payloads import fit


def build(alert: Alert, language: str, default: str) -> bytes:
    """``{kind, alert_id, headline, body, severity, url, tag}`` in ``language``; ``kind`` is
    "alert", "update" or "cancel" (the CAP msgType)."""
    text = alert.text_for(language, default)
    return fit({"kind": alert.msg_type.lower(), "alert_id": alert.id,
                "headline": text.headline, "body": text.description,
                "severity": alert.severity, "url": f"/alerts/{alert.id}",
                "tag": f"alert-{alert.thread_id}"}, "body")
