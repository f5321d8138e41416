"""The SMS channel's senders: Kannel's HTTP ``sendsms`` (smsbox), or the embedded file outbox.

Both take a batch and return one ``SendResult`` per message (``server/sending.py``): "sent"
(smsbox accepted it), "retry" (a 503, a 5xx, a connection error, a timeout: tried again here a
few times first), "failed" (a permanent refusal, its status and Kannel's text kept). One bad
message fails alone. No Flask: ``server/sms/outbox.py`` builds them from the configuration.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

import urllib3

from server.sending import SendResult, failed, parse_retry_after
from server.sms.encoding import measure

# Delivery reports asked for: delivered (1), not delivered (2), accepted by the operator's
# SMSC (8), refused by it (16). Buffered (4) is noise for a crisis text.
DLR_MASK = 1 | 2 | 8 | 16
# Distinct texts whose encoded parameters a gateway keeps (``KannelGateway.query``): a
# message's few languages, over the alerts in flight at once.
TEXTS_KEPT = 256


@dataclass(frozen=True, slots=True)
class SmsOut:
    """One text to one phone (E.164); ``dlr_url`` is where its delivery reports go."""

    id: Hashable
    to: str
    text: str
    dlr_url: str | None = None


class TokenBucket:
    """At most ``rate`` messages per second on average, bursts of ``burst``; thread-safe."""

    def __init__(self, rate: float, burst: float | None = None, clock=time.monotonic,
                 sleep=time.sleep):
        self.rate, self.capacity = rate, burst or max(1.0, rate)
        self.tokens, self.clock, self.sleep = self.capacity, clock, sleep
        self.updated = clock()
        self._lock = threading.Lock()

    def take(self) -> None:
        """Wait for a token (returns at once while the bucket has one)."""
        while True:
            with self._lock:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1 - 1e-9:  # float sums of waits land just under 1
                    self.tokens = max(0.0, self.tokens - 1)
                    return
                wait = (1 - self.tokens) / self.rate
            self.sleep(wait)


def _split_url(url: str) -> tuple[str, dict[str, str]]:
    """Kannel's sendsms URL without its credentials, and the credentials as its parameters."""
    parts = urlsplit(url)
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    creds = {"username": unquote(parts.username or ""), "password": unquote(parts.password or "")}
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")), creds


class KannelGateway:
    """A client of smsbox's ``/cgi-bin/sendsms``: one kept-alive connection pool per process,
    a token bucket for the configured rate, retries of temporary refusals."""

    def __init__(self, url: str, *, rate: float = 20.0, attempts: int = 3,
                 backoff: float = 0.5, timeout: float = 10.0, sender: str | None = None,
                 pool_size: int = 4, sleep=time.sleep):
        self.endpoint, self.credentials = _split_url(url)
        self.path = urlsplit(self.endpoint).path  # smsbox wants origin-form request targets
        self.bucket = TokenBucket(rate, sleep=sleep)
        self.attempts, self.backoff, self.sleep, self.sender = attempts, backoff, sleep, sender
        self._encoded: dict[str, str] = {}  # text -> its encoded parameters (``query``)
        self.pool = urllib3.connection_from_url(
            self.endpoint, maxsize=pool_size, block=True, retries=False,
            timeout=urllib3.Timeout(connect=min(timeout, 3.0), read=timeout))

    def params(self, message: SmsOut) -> dict[str, str]:
        """The sendsms parameters: UCS-2 as ``coding=2`` (Kannel converts the UTF-8 text),
        the GSM default otherwise; a delivery report to ``dlr_url``."""
        params = {**self._text_params(message.text), "to": message.to}
        if message.dlr_url:
            params.update({"dlr-mask": str(DLR_MASK), "dlr-url": message.dlr_url})
        return params

    def _text_params(self, text: str) -> dict[str, str]:
        params = {**self.credentials, "text": text, "charset": "UTF-8"}
        if measure(text).encoding == "ucs2":
            params["coding"] = "2"
        if self.sender:
            params["from"] = self.sender
        return params

    def query(self, message: SmsOut) -> str:
        """``params`` URL-encoded. A batch is a few texts (one per language) to many numbers:
        the text's part (the longest: a UCS-2 text is 9 bytes a character once encoded, and
        its encoding measured) is encoded once per text, only the number and report URL per
        message."""
        fixed = self._encoded.get(message.text)
        if fixed is None:
            if len(self._encoded) >= TEXTS_KEPT:
                self._encoded.clear()
            fixed = self._encoded[message.text] = urlencode(self._text_params(message.text))
        own = {"to": message.to}
        if message.dlr_url:
            own.update({"dlr-mask": str(DLR_MASK), "dlr-url": message.dlr_url})
        return f"{fixed}&{urlencode(own)}"

    def send(self, messages: Iterable[SmsOut]) -> list[SendResult]:
        """Send each message, in order; once the gateway is unreachable the rest of the batch
        is "retry" without waiting on it again (nothing is lost, nothing tried twice here)."""
        results: list[SendResult] = []
        unreachable = False
        for message in messages:
            if unreachable:
                results.append(SendResult(message.id, None, "retry", None,
                                          "gateway unreachable"))
                continue
            result = self._send_with_retries(message)
            unreachable = result.outcome == "retry" and result.status is None
            results.append(result)
        return results

    def _send_with_retries(self, message: SmsOut) -> SendResult:
        for attempt in range(1, self.attempts + 1):
            result = self._send_once(message)
            if result.outcome != "retry" or attempt == self.attempts:
                return result
            self.sleep(max(self.backoff * 2 ** (attempt - 1), result.retry_after or 0))
        return result

    def _send_once(self, message: SmsOut) -> SendResult:
        try:
            url = f"{self.path}?{self.query(message)}"
        except (TypeError, ValueError) as exc:
            return failed(message.id, "encode", exc)
        self.bucket.take()
        try:
            response = self.pool.request("GET", url, preload_content=True)
        except urllib3.exceptions.HTTPError as exc:
            # Refused, reset or timed out: smsbox is down or overloaded. A read timeout may
            # hide an accepted message; retrying it risks a duplicate, never a loss.
            return SendResult(message.id, None, "retry", None, f"{type(exc).__name__}: {exc}")
        return _result(message.id, response)


def _result(message_id: Hashable, response) -> SendResult:
    body = response.data.decode("utf-8", "replace").strip()[:300]
    status = response.status
    if 200 <= status < 300:
        return SendResult(message_id, status, "sent")  # "0: Accepted", "3: Queued for later"
    if status == 429 or status >= 500:
        return SendResult(message_id, status, "retry",
                          parse_retry_after(response.headers.get("Retry-After")), body)
    return SendResult(message_id, status, "failed", None, body or f"HTTP {status}")


class FileOutbox:
    """The embedded gateway: every message becomes a JSON file under ``directory``
    (``flask sms list`` shows them), so the SMS flows work with nothing installed."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def send(self, messages: Iterable[SmsOut]) -> list[SendResult]:
        self.directory.mkdir(parents=True, exist_ok=True)
        results = []
        for message in messages:
            try:
                m = measure(message.text)
                record = {"id": message.id, "to": message.to, "text": message.text,
                          "encoding": m.encoding, "segments": m.segments,
                          "dlr_url": message.dlr_url, "at": time.time()}
                name = f"{time.time_ns()}-{message.id}.json"
                (self.directory / name).write_text(json.dumps(record, ensure_ascii=False))
                results.append(SendResult(message.id, 202, "sent"))
            except (OSError, TypeError, ValueError) as exc:
                results.append(failed(message.id, "write", exc))
        return results

    def messages(self) -> list[dict]:
        """What was sent, oldest first."""
        if not self.directory.is_dir():
            return []
        files = sorted(self.directory.glob("*.json"), key=lambda p: int(p.name.split("-")[0]))
        return [json.loads(p.read_text()) for p in files]
