"""The email an alert or a roll call sends to one recipient, in their language: the CAP
severity in the subject, plain text + HTML (right to left for Arabic), the mission's contacts
and the hotline, a link to the message in the app, an Update or Cancel threaded under the
original (a deterministic Message-ID per message and recipient)."""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from server.db import db
from server.embassies.models import Embassy
from server.mail.message import build, message_id
from server.rollcall.links import answer_links
from server.web.urls import public_url

RTL = ("ar",)


def severity_label(severity: str) -> str:
    return {"Extreme": _("Extreme"), "Severe": _("Severe"), "Moderate": _("Moderate"),
            "Minor": _("Minor")}.get(severity, severity)


def thread_id(alert_id: int, user_id: int, domain: str | None = None) -> str:
    return message_id(f"alert-{alert_id}.user-{user_id}", domain)


def _lines(message, text, embassy: Embassy | None, language: str) -> list[tuple[str, str]]:
    """(label, value) of the body, in order; empty values left out."""
    rows = [("", text.description if text else ""), ("", text.instruction or "" if text else "")]
    if embassy is not None:
        rows += [(_("Mission"), embassy.localized_name(language)), (_("Phone"), embassy.phone),
                 (_("Emergency phone"), embassy.emergency_phone), (_("Email"), embassy.email)]
    rows += [(_("Consular hotline"), current_app.config["CONSULAR_HOTLINE"]),
             (_("Open in the app"), public_url(f"/#/alerts/{message.id}"))]
    return [(label, value) for label, value in rows if value]


def _html(headline: str, lines, language: str, actions=()) -> str:
    direction = "rtl" if language in RTL else "ltr"
    # Markup's join: a plain str.join would give a str, escaped again below.
    button = Markup('<p><a href="{}"><strong>{}</strong></a></p>')
    buttons = Markup("").join(button.format(url, label) for label, url in actions)
    body = buttons + Markup("").join(
        Markup("<p><strong>{}</strong>: <bdi>{}</bdi></p>").format(label, value) if label
        else Markup("<p>{}</p>").format(value) for label, value in lines)
    return str(Markup('<!DOCTYPE html><html lang="{}" dir="{}"><head><meta charset="utf-8">'
                      "<title>{}</title></head><body><h1>{}</h1>{}</body></html>").format(
        language.replace("_", "-"), direction, headline, headline, body))


def content(message, language: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(subject, headline, body lines) of ``message`` (a broadcast ``Message``: an alert, a
    roll call) in ``language``, the same for every recipient. Call inside
    ``force_locale(language)``."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    text = message.text_for(language, default)
    embassy = db.session.get(Embassy, message.embassy_id) if message.embassy_id else None
    headline = text.headline if text else ""  # every kind requires a text
    subject = f"[{severity_label(message.severity)}] {headline}"
    return subject, headline, _lines(message, text, embassy, language)


def bodies(headline: str, lines, language: str, actions=()) -> tuple[str, str]:
    """(plain text, HTML) of the body; a roll call's one-tap ``actions`` first in both."""
    plain = "\n\n".join(f"{label}: {value}" if label else value
                         for label, value in [*actions, *lines])
    return plain, _html(headline, lines, language, actions)


def message_headers(message) -> dict[str, str]:
    """The extra headers every recipient of ``message`` gets."""
    if message.kind == "alert":  # never on a roll call: its answer is what matters
        return {"List-Unsubscribe": f"<{public_url('/#/settings')}>"}
    return {}


def thread_headers(message, user_id: int, domain: str | None = None) -> dict[str, str]:
    """An Update / Cancel goes under the original in the reader's box."""
    if not message.references_id:
        return {}
    original = thread_id(message.references_id, user_id, domain)
    return {"In-Reply-To": original, "References": original}


def compose(message, user, language: str, now: datetime | None = None) -> EmailMessage:
    """The EmailMessage of ``message`` (an alerts row, alert or roll call) to ``user``, dated
    ``now``. ``server/mail/bulk.py`` writes the same for many recipients at a time."""
    with force_locale(language):
        subject, headline, lines = content(message, language)
        # A roll call's one-tap answers (server/rollcall/links.py), first in both parts.
        plain, html = bodies(headline, lines, language,
                             answer_links(message, user.id, language))
    return build(user.email, subject, plain, html, to_name=user.name,
                 msgid=thread_id(message.id, user.id), date=now,
                 headers={**thread_headers(message, user.id), **message_headers(message)})
