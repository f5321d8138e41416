"""Helpers shared by the formats: bounded numbers, dates, levels."""
from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from server.hazards.models import LEVELS


def number(value, low: float, high: float, name: str) -> float:
    """A finite float in [low, high], else ValueError (the item is skipped)."""
    result = float(value)
    if not math.isfinite(result) or not low <= result <= high:
        raise ValueError(f"{name} out of range: {value!r}")
    return result


def position(lat, lon) -> tuple[float, float]:
    return number(lat, -90, 90, "latitude"), number(lon, -180, 180, "longitude")


def iso_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def rfc822_time(value: str) -> datetime:
    return parsedate_to_datetime(value.strip()).astimezone(UTC)


def level(name: str | None) -> str:
    """A colour from LEVELS (unknown or missing: green)."""
    name = (name or "").strip().lower()
    return name if name in LEVELS else "green"


SEVERITY_LEVELS = {"Minor": "green", "Moderate": "yellow", "Severe": "orange",
                   "Extreme": "red"}
