"""Building messages with the standard ``email`` package: plain text + HTML alternatives,
``Message-ID`` and ``Date``, and no header a user's text could inject into."""
from __future__ import annotations

from datetime import datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app

from server.db import utcnow


class _Headers(HeaderRegistry):
    """The standard registry makes a new class for every header it parses (``type(...)`` in
    ``__getitem__``), which was most of the time spent building a message: the same class is
    made once per header name here."""

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


POLICY = policy.default.clone(header_factory=_Headers())


class HeaderInjection(ValueError):
    """A header value held a line break: it could have added headers of its own."""


def safe(value: str, field: str) -> str:
    """``value`` for a header, refused if it holds CR or LF (or any other line break)."""
    if any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise HeaderInjection(f"{field}: line break in a header value")
    return value


def sender_domain() -> str:
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] or "compatriot.invalid"


def message_id(local: str, domain: str | None = None) -> str:
    """A Message-ID from a stable local part (so that a later message can refer to it), at
    ``domain`` (``sender_domain()``, which a caller writing many may look up once)."""
    return f"<{safe(local, 'Message-ID')}@{domain or sender_domain()}>"


def build(to: str, subject: str, text: str, html: str | None = None, *,
          to_name: str | None = None, msgid: str | None = None,
          headers: dict[str, str] | None = None, date: datetime | None = None) -> EmailMessage:
    """One message from ``MAIL_FROM`` to ``to``, dated ``date`` (now by default): the plain
    text, and the HTML as its alternative when given. Every header value is checked for line
    breaks."""
    message = EmailMessage(policy=POLICY)
    message["From"] = current_app.config["MAIL_FROM"]
    name = safe(to_name or "", "name")
    message["To"] = Address(display_name=name, addr_spec=safe(to, "to")) if name else safe(to, "to")
    message["Subject"] = safe(subject, "subject")
    message["Date"] = format_datetime(date or utcnow())
    message["Message-ID"] = msgid or make_msgid(domain=sender_domain())
    for key, value in (headers or {}).items():
        message[key] = safe(value, key)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message
