"""A CAP alert: a broadcast ``Message`` of kind "alert" with what CAP adds to it (its
identifier and sender, status, category, event, urgency, certainty) and the two-person rule."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.broadcast.models import Message
from server.db import UTCDateTime

STATUSES = ("Actual", "Exercise", "Test", "Draft")
PUBLIC_STATUSES = ("Actual", "Exercise")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
STATES = ("draft", "approved", "sending", "sent", "cancelled")
TWO_PERSON_SEVERITIES = ("Extreme", "Severe")


def _cap(length: int):
    """A CAP column: NOT NULL in the shared table, so a row of another kind (which has no CAP
    fields) stores an empty string there; an alert always sets it."""
    return mapped_column(String(length), default="")


class Alert(Message):
    """One CAP message; an Update or Cancel is its own row referencing the original."""

    identifier: Mapped[str] = mapped_column(String(100), unique=True,
                                            default=lambda: str(uuid.uuid4()))
    sender: Mapped[str] = _cap(254)
    status: Mapped[str] = _cap(10)
    category: Mapped[str] = _cap(10)
    event: Mapped[str] = _cap(100)
    urgency: Mapped[str] = _cap(10)
    certainty: Mapped[str] = _cap(10)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"polymorphic_identity": "alert"}

    @property
    def needs_second_person(self) -> bool:
        return self.severity in TWO_PERSON_SEVERITIES

    @property
    def is_public(self) -> bool:
        return self.sent_at is not None and self.status in PUBLIC_STATUSES

    def __repr__(self) -> str:
        return f"<Alert {self.id} {self.msg_type} {self.severity} {self.state}>"
