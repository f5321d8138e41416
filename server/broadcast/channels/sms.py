"""SMS: each delivery's verified number, the text in the delivery's language (GSM 03.38 when it
fits, else UCS-2: ``server.sms.encoding``), shortened to ``SMS_MAX_SEGMENTS`` with a link to
the message, sent through the configured gateway (``server.sms.outbox.gateway``: its rate
limit and its retries of temporary refusals)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from server.accounts.models import User
from server.broadcast.models import Message
from server.db import among, db
from server.sending import SendResult
from server.sms import outbox, services, texts
from server.sms.encoding import cost_preview, shorten
from server.sms.gateway import SmsOut
from server.web.urls import public_url


def reachable():
    """Who may get a message by SMS: a verified number (SQL condition on ``users``)."""
    return services.reachable_condition()


def text(message: Message, language: str) -> str:
    """The SMS body in ``language``; a roll call says how to answer by reply."""
    body = message.text_for(language, current_app.config["BABEL_DEFAULT_LOCALE"])
    words = f"{body.headline}\n{body.description}" if body else ""
    link = public_url(f"/#/alerts/{message.id}")
    if message.kind == "rollcall":
        return texts.rollcall(words, language, link)
    return shorten(words, current_app.config["SMS_MAX_SEGMENTS"], link)


def cost(message: Message, recipients: dict[str, int]) -> dict:
    """Before sending: per language of the message, the text as it would go, its encoding and
    segments, the SMS count (``recipients``: people per language) and the totals."""
    languages = dict.fromkeys(t.language for t in message.texts)
    limit = current_app.config["SMS_MAX_SEGMENTS"]
    return {**cost_preview({lang: text(message, lang) for lang in languages}, recipients, limit),
            "max_segments": limit}


def send(message: Message, rows, now: datetime) -> list[SendResult]:
    """Text the verified number of each row's user; a row without one fails alone."""
    numbers = dict(db.session.execute(
        select(User.id, User.phone).where(among(User.id, [r.user_id for r in rows]),
                                          services.reachable_condition())).all())
    bodies = {language: text(message, language) for language in {r.language for r in rows}}
    out, results = [], []
    for row in rows:
        if row.user_id in numbers:
            out.append(SmsOut(row.id, numbers[row.user_id], bodies[row.language],
                              outbox.dlr_url(row.id, delivery=True)))
        else:
            results.append(SendResult(row.id, None, "failed", None, "no verified number"))
    return results + outbox.gateway().send(out)
