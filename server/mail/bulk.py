"""The emails of one message to many recipients: what is the same for every recipient in one
language (From, Subject, Date, List-Unsubscribe, and an alert's two parts) built and serialized
once by the ``email`` package, and per recipient only what differs (To, Message-ID, the
threading headers, and a roll call's parts, whose one-tap links are signed per recipient).

Each header line is the one the generator writes (``policy.fold_binary`` of the header object,
``transport.fits`` for a To that needs no folding), and a message's body (MIME-Version,
Content-Type, the parts) comes last in the generator's output too, so a recipient's bytes are
``compose()`` + ``transport.serialize()``'s, boundary aside (tests/mail/test_bulk_compose.py).
Building the message whole per recipient was the fan-out's cost, most of it the ``email``
package parsing each header it is given (bench/RESULTS.md §5).
"""
from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from flask_babel import force_locale

from server.mail.compose import bodies, content, message_headers, thread_headers, thread_id
from server.mail.message import POLICY, safe, sender_domain
from server.mail.transport import SMTP_POLICY, Wire, envelope_address, fits, serialize
from server.rollcall.links import answer_links, rollcall_of


def header_line(name: str, value) -> bytes:
    """``name: value`` as the generator writes it (policy SMTP), encoded and folded."""
    return SMTP_POLICY.fold_binary(name, POLICY.header_store_parse(name, value)[1])


def _body(plain: str, html: str) -> bytes:
    """The multipart/alternative body with its MIME headers, as the end of a message."""
    body = EmailMessage(policy=POLICY)
    body.set_content(plain)
    body.add_alternative(html, subtype="html")
    return serialize(body)


class Prepared:
    """``message`` in ``language`` dated ``now``, ready to be addressed to each recipient."""

    def __init__(self, message, language: str, now: datetime):
        self.message, self.language = message, language
        self.rollcall_id = rollcall_of(message)
        with force_locale(language):
            subject, self.headline, self.lines = content(message, language)
            # A roll call's links differ per recipient: its parts are built for each.
            self.body = (_body(*bodies(self.headline, self.lines, language))
                         if self.rollcall_id is None else None)
        sender = POLICY.header_store_parse("From", current_app.config["MAIL_FROM"])[1]
        self.sender, self.domain = envelope_address(sender), sender_domain()
        self.head = SMTP_POLICY.fold_binary("From", sender)
        self.middle = (header_line("Subject", safe(subject, "subject"))
                       + header_line("Date", format_datetime(now)))
        self.tail = b"".join(header_line(key, safe(value, key))
                             for key, value in message_headers(message).items())

    def wire(self, user) -> Wire:
        """The message to ``user`` (``id``, ``email``, ``name``), serialized, with its
        envelope. Raises ``HeaderInjection`` for a line break in the address or name."""
        to_line, recipient = _to(safe(user.email, "to"), safe(user.name or "", "name"))
        lines = [self.head, to_line, self.middle,
                 header_line("Message-ID", thread_id(self.message.id, user.id, self.domain))]
        lines += [header_line(key, safe(value, key)) for key, value
                  in thread_headers(self.message, user.id, self.domain).items()]
        lines.append(self.tail)
        lines.append(self.body or self._body_for(user.id))
        return Wire(self.sender, (recipient,), b"".join(lines))

    def _body_for(self, user_id: int) -> bytes:
        with force_locale(self.language):
            actions = answer_links(self.message, user_id, self.language, self.rollcall_id)
            return _body(*bodies(self.headline, self.lines, self.language, actions))


def _to(address: str, name: str) -> tuple[bytes, str]:
    """(the To line, the envelope recipient). A named address that needs no encoding or
    folding is written as its header's text (``str(Address)``) without parsing it again."""
    if name:
        value = Address(display_name=name, addr_spec=address)
        text = str(value)
        if fits("To", text, SMTP_POLICY):
            return f"To: {text}{SMTP_POLICY.linesep}".encode("ascii"), value.addr_spec
    else:
        value = address
    header = POLICY.header_store_parse("To", value)[1]
    return SMTP_POLICY.fold_binary("To", header), envelope_address(header)
