"""What the sender takes (PushMessage) and returns (a SendResult), and how statuses map.

Outcomes tell the caller what to do next: "gone" removes the device, "retry" schedules
another attempt (honouring retry_after), "failed" gives up, "sent" is done.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Literal

from server.push.crypto import MAX_PAYLOAD
from server.push.vapid import origin_of
from server.sending import Outcome, SendResult, parse_retry_after

Urgency = Literal["very-low", "low", "normal", "high"]
URGENCIES: frozenset[str] = frozenset({"very-low", "low", "normal", "high"})
MAX_TTL = 28 * 24 * 3600
_TOPIC_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def topic_for(key: str) -> str:
    """Derive a valid Topic (32 base64url chars) from any string, e.g. an alert id."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode("ascii")


@dataclass(frozen=True, slots=True)
class PushMessage:
    """One encrypted-to-be push to one subscription; validated on construction."""

    id: Hashable
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int = 24 * 3600
    urgency: Urgency = "normal"
    topic: str | None = None

    def __post_init__(self) -> None:
        origin_of(self.endpoint)
        check_fields(self.payload, self.ttl, self.urgency, self.topic)

    @classmethod
    def unchecked(cls, id: Hashable, endpoint: str, p256dh: str, auth: str, payload: bytes,
                  ttl: int, urgency: Urgency, topic: str | None) -> PushMessage:
        """Build without the checks, for a fan-out's rows: their endpoint and keys were checked
        when the device subscribed, the shared fields by one check_fields() per batch (a
        per-message re-check of a million rows is CPU spent on nothing). The sender parses the
        endpoint and keys again anyway, and a bad one (a row older than today's checks) fails
        that message only."""
        message = object.__new__(cls)
        set_field = object.__setattr__  # what the frozen dataclass's own __init__ does
        set_field(message, "id", id)
        set_field(message, "endpoint", endpoint)
        set_field(message, "p256dh", p256dh)
        set_field(message, "auth", auth)
        set_field(message, "payload", payload)
        set_field(message, "ttl", ttl)
        set_field(message, "urgency", urgency)
        set_field(message, "topic", topic)
        return message


def check_fields(payload: object, ttl: int, urgency: str, topic: str | None) -> None:
    """Raise TypeError or ValueError unless the fields a batch shares are valid to push."""
    if not isinstance(payload, bytes | bytearray):
        raise TypeError("payload must be bytes")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(
            f"payload is {len(payload)} bytes; at most {MAX_PAYLOAD} keep the body "
            "within 4096 bytes"
        )
    if not 0 <= ttl <= MAX_TTL:
        raise ValueError(f"ttl must be between 0 and {MAX_TTL} seconds")
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {sorted(URGENCIES)}")
    if topic is not None and not _TOPIC_RE.match(topic):
        raise ValueError("topic must be 1-32 base64url characters (see topic_for)")


def outcome_for(status: int) -> Outcome:
    """Map a push service's HTTP status to what the caller should do."""
    if 200 <= status < 300:
        return "sent"
    if status in (404, 410):
        return "gone"
    if status == 429 or status >= 500:
        return "retry"
    return "failed"


def result_for_response(
    message_id: Hashable, status: int, headers: Mapping[str, str], body: str = ""
) -> SendResult:
    """Build the SendResult for an HTTP response (Retry-After only matters when retrying)."""
    outcome = outcome_for(status)
    retry_after = parse_retry_after(headers.get("Retry-After")) if outcome == "retry" else None
    error = None if outcome == "sent" else f"HTTP {status}: {body[:300]}".rstrip(": ")
    return SendResult(message_id, status, outcome, retry_after, error)
