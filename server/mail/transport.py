"""The email channel's senders: an SMTP client keeping one connection open for many messages,
or the embedded ``.eml`` outbox.

Both take ``(id, EmailMessage)`` pairs (or ``(id, Wire)``: a message already serialized, with its
envelope, as ``server/mail/bulk.py`` writes many at once) and return one ``SendResult`` per message
(``server/sending.py``), like the SMS gateway: "sent" (the server accepted it with 250),
"retry" (a 4xx reply, or no server to talk to), "failed" (a 5xx reply, its code and text
kept; or a message that cannot be serialized). One bad message fails alone. No Flask:
``server/mail/outbox.py`` builds them from the configuration.
"""
from __future__ import annotations

import contextlib
import secrets
import smtplib
import ssl
import threading
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from server.sending import SendResult, failed

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True, slots=True)
class MailUrl:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_mail_url(url: str) -> MailUrl:
    """``smtp://``, ``smtp+starttls://`` or ``smtps://[user:password@]host[:port]``."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"MAIL_URL must be one of {', '.join(s + '://' for s in SCHEMES)}"
                         " followed by a host")
    return MailUrl(parts.scheme, parts.hostname, parts.port or SCHEMES[parts.scheme],
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)


@dataclass(frozen=True, slots=True)
class Wire:
    """A message as it goes on the wire (``serialize``'s bytes) with its envelope."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes


def fits(name: str, text: str, policy: EmailPolicy) -> bool:
    """Whether a header whose value reads ``text`` folds to ``name: text`` as it is: printable
    ASCII (nothing to encode) that fits within the policy's line length."""
    return (len(name) + 2 + len(text) <= policy.max_line_length and text.isascii()
            and text.isprintable())


class _SmtpPolicy(EmailPolicy):
    """``email.policy.SMTP`` (CRLF), writing a header that needs no folding as it is.

    The standard policy re-renders every header from its parse tree to fold it, even one that
    fits on its line: most of the cost of serializing a short message. A header object whose
    text is printable ASCII and fits within ``max_line_length`` comes out the same either way
    (tests/mail/test_mail_transport.py compares the two); anything else (a long line,
    non-ASCII text to encode, a header parsed from a source) goes the standard way."""

    def fold_binary(self, name, value):
        if hasattr(value, "name"):
            text = str(value)
            if fits(name, text, self):
                return f"{name}: {text}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


SMTP_POLICY = _SmtpPolicy(linesep="\r\n")


def _give_boundaries(message: EmailMessage) -> None:
    """A boundary for each multipart part that has none yet (and no other parameter).

    Left to the generator, it draws one, compiles a regular expression per message to check
    the text against it, and sets it with ``set_boundary``, which parses the header again: as
    much as the rest of the serialization. 128 random bits, checked against the parts' text."""
    leaves = [part.get_payload() for part in message.walk() if not part.is_multipart()]
    for part in message.walk():
        if not part.is_multipart() or part.get_boundary() is not None:
            continue
        kind = part.get_content_type()
        if str(part["Content-Type"]) != kind:
            continue  # other parameters: the generator keeps them
        boundary = f"=_{secrets.token_urlsafe(16)}"  # the header then fits on its line
        if all(isinstance(text, str) and boundary not in text for text in leaves):
            part.replace_header("Content-Type", f'{kind}; boundary="{boundary}"')


def serialize(message: EmailMessage) -> bytes:
    """The message as it goes on the wire (policy SMTP, CRLF), in one pass."""
    _give_boundaries(message)
    return message.as_bytes(policy=SMTP_POLICY)


def envelope_address(header) -> str:
    """The address of a From or To header: from the header object's own parse when it holds
    one address (a message built here), else parsed from its text."""
    addresses = getattr(header, "addresses", ())
    if len(addresses) == 1:
        return addresses[0].addr_spec
    return parseaddr(str(header))[1]


def wire(message: EmailMessage | Wire) -> Wire:
    """``message`` serialized with its envelope (a ``Wire`` as it is)."""
    if isinstance(message, Wire):
        return message
    return Wire(envelope_address(message["From"]), (envelope_address(message["To"]),),
                serialize(message))


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()[:300]


def _refusal(message_id: Hashable, code: int, text) -> SendResult:
    """4xx: the server asks to try again later; 5xx (or anything else): it will not take it."""
    outcome = "retry" if 400 <= code < 500 else "failed"
    return SendResult(message_id, code, outcome, None, _reply(code, text))


class SmtpTransport:
    """One SMTP connection per transport (the outbox keeps one transport per process), opened
    on first use and kept for the next batches; a dropped connection is opened again once."""

    def __init__(self, url: str, *, timeout: float = 15.0, context: ssl.SSLContext | None = None,
                 local_hostname: str | None = None):
        self.url = parse_mail_url(url)
        self.timeout, self.local_hostname = timeout, local_hostname
        # The system's trust store (SSL_CERT_FILE honoured), host name checked.
        self.context = context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        u = self.url
        if u.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(u.host, u.port, timeout=self.timeout, context=self.context,
                                    local_hostname=self.local_hostname)
        else:
            smtp = smtplib.SMTP(u.host, u.port, timeout=self.timeout,
                                local_hostname=self.local_hostname)
            if u.scheme == "smtp+starttls":
                smtp.starttls(context=self.context)
        if u.username:
            smtp.login(u.username, u.password or "")
        return smtp

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send_many(self, items: Iterable[tuple[Hashable, EmailMessage | Wire]]
                  ) -> list[SendResult]:
        """Send each message in order on the kept connection. Once no server can be reached,
        the rest of the batch is "retry" without trying again (nothing lost, nothing sent
        twice: a message counts as sent only on the server's 250 after its data)."""
        results: list[SendResult] = []
        with self._lock:
            unreachable: str | None = None
            for message_id, message in items:
                if unreachable:
                    results.append(SendResult(message_id, None, "retry", None, unreachable))
                    continue
                result = self._send_reconnecting(message_id, message)
                if result.outcome == "retry" and result.status is None:
                    unreachable = result.error
                results.append(result)
        return results

    def _send_reconnecting(self, message_id: Hashable, message: EmailMessage | Wire
                           ) -> SendResult:
        for attempt in (1, 2):
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                return self._send_one(message_id, message)
            except smtplib.SMTPResponseException as exc:  # refused on connect or AUTH
                self._drop_quietly()
                return _refusal(message_id, exc.smtp_code, exc.smtp_error)
            except OSError as exc:  # DISCONNECTED, refused, unreachable (SMTPException too)
                # The server closed an idle connection, or went away mid-message: it never
                # said 250, so the message was not taken; a fresh connection sends it once.
                self._drop_quietly()
                if attempt == 2:
                    return SendResult(message_id, None, "retry", None,
                                      f"connect: {type(exc).__name__}: {exc}")
        raise AssertionError("unreachable")

    def _drop_quietly(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None

    def _send_one(self, message_id: Hashable, message: EmailMessage | Wire) -> SendResult:
        try:
            out = wire(message)
        except (TypeError, ValueError, LookupError) as exc:
            return failed(message_id, "encode", exc)
        try:
            self._smtp.sendmail(out.sender, list(out.recipients), out.data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return _refusal(message_id, code, text)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return _refusal(message_id, exc.smtp_code, exc.smtp_error)
        return SendResult(message_id, 250, "sent")


class FileOutbox:
    """The embedded transport: every message becomes an ``.eml`` file under ``directory``
    (``flask mail list`` shows them; any mail program opens them), so the email flows work
    with no SMTP server."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send_many(self, items: Iterable[tuple[Hashable, EmailMessage | Wire]]
                  ) -> list[SendResult]:
        self.directory.mkdir(parents=True, exist_ok=True)
        results = []
        for message_id, message in items:
            try:
                data = wire(message).data
                (self.directory / f"{time.time_ns()}-{message_id}.eml").write_bytes(data)
                results.append(SendResult(message_id, 250, "sent"))
            except (OSError, TypeError, ValueError, LookupError) as exc:
                results.append(failed(message_id, "write", exc))
        return results

    def files(self) -> list[Path]:
        """The messages written, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.eml"), key=lambda p: int(p.name.split("-")[0]))

    def messages(self) -> list[dict]:
        """Date, recipient, subject and file of each message, oldest first."""
        parser = BytesParser(policy=policy.default)
        found = []
        for path in self.files():
            with path.open("rb") as fh:
                head = parser.parse(fh, headersonly=True)
            date = head["Date"]
            found.append({"date": parsedate_to_datetime(str(date)) if date else None,
                          "to": str(head["To"] or ""), "subject": str(head["Subject"] or ""),
                          "file": str(path)})
        return found

    def read(self, path: str | Path) -> EmailMessage:
        with Path(path).open("rb") as fh:
            return BytesParser(policy=policy.default).parse(fh)
