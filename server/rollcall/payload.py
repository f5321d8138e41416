"""The roll-call push: the question in the device's language and the two notification
actions the service worker shows ("safe" and "help"), well under the 4 KB limit."""
from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import select

from server.broadcast.payloads import fit
from server.db import db
from server.rollcall.models import RollCall, RollCallMessage


def build(message: RollCallMessage, language: str, default: str) -> bytes:
    """``{kind, rollcall_id, title, question, deadline, actions, tag, url, reminder, lang}``."""
    rollcall = db.session.scalar(select(RollCall).where(RollCall.alert_id == message.thread_id))
    text = message.text_for(language, default)
    with force_locale(text.language):
        title, safe, help_ = gettext("Are you safe?"), gettext("I am safe"), gettext(
            "I need help")
    data = {"kind": "rollcall", "rollcall_id": rollcall.id, "title": title,
            "question": text.description, "deadline": rollcall.deadline.isoformat(),
            "actions": [{"action": "safe", "title": safe}, {"action": "help", "title": help_}],
            "tag": f"rollcall-{rollcall.id}", "url": f"/#/rollcalls/{rollcall.id}",
            "reminder": message.id != rollcall.alert_id, "lang": text.language}
    return fit(data, "question")
