"""What every channel's sender (Web Push, email, SMS) returns for each message it was given.

Outcomes tell the caller what to do next: "gone" removes the address (a push subscription),
"retry" schedules another attempt (honouring retry_after), "failed" gives up, "sent" is done.
One bad message fails alone (``failed``) instead of taking its batch down. No Flask inside.
"""
from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal

Outcome = Literal["sent", "gone", "failed", "retry"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """What happened to one message on any channel: ``status`` is the other side's code (HTTP,
    SMTP, the SMS gateway's), None when no answer arrived; ``error`` says why it failed."""

    id: Hashable
    status: int | None
    outcome: Outcome
    retry_after: float | None = None
    error: str | None = None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parse Retry-After (delta-seconds or HTTP-date) into seconds from now; None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def failed(message_id: Hashable, stage: str, exc: Exception) -> SendResult:
    """The result of a message that could not be sent at all (``stage``: what was being done),
    so that one bad message fails alone instead of taking its batch down."""
    return SendResult(message_id, None, "failed", None, f"{stage}: {type(exc).__name__}: {exc}")
