"""The roll-call push: the question in the device's language and the two notification
actions the service worker shows ("safe" and "help"), well under the 4 KB limit."""
from __future__ import annotations

import json

from flask_babel import force_locale, gettext
from sqlalchemy import select

from server.alerts import payload as alert_payload
from server.alerts.models import Alert
from server.db import db
from server.push import MAX_PAYLOAD
from server.rollcall.models import RollCall

ELLIPSIS = "…"


def _encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def build(alert: Alert, language: str, default: str) -> bytes:
    """``{kind, rollcall_id, title, question, deadline, actions, tag, url, reminder, lang}``."""
    rollcall = db.session.scalar(select(RollCall).where(RollCall.alert_id == alert.thread_id))
    text = alert.text_for(language, default)
    with force_locale(text.language):
        title, safe, help_ = gettext("Are you safe?"), gettext("I am safe"), gettext(
            "I need help")
    data = {"kind": "rollcall", "rollcall_id": rollcall.id, "title": title,
            "question": text.description, "deadline": rollcall.deadline.isoformat(),
            "actions": [{"action": "safe", "title": safe}, {"action": "help", "title": help_}],
            "tag": f"rollcall-{rollcall.id}", "url": f"/#/rollcalls/{rollcall.id}",
            "reminder": alert.id != rollcall.alert_id, "lang": text.language}
    encoded = _encode(data)
    while len(encoded) > MAX_PAYLOAD:  # only with a question far over the schema's limit
        question = data["question"].encode()
        keep = max(0, len(question) - (len(encoded) - MAX_PAYLOAD) - 8)
        data["question"] = question[:keep].decode(errors="ignore") + ELLIPSIS
        encoded = _encode(data)
    return encoded


def register() -> None:
    """Called by ``create_app``: the alerts fan-out asks this builder for roll-call rows."""
    alert_payload.register("rollcall", build)
