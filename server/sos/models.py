from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.accounts.models import User
from server.crypto import EncryptedFloat, EncryptedString
from server.db import UTCDateTime, db, utcnow
from server.embassies.models import Embassy
from server.trips.models import Trip

STATES = ("open", "acknowledged", "resolved", "cancelled")
ROUTES = ("position", "trip", "default", "crisis")


class SosCase(db.Model):
    """One call for help. ``client_uuid`` is the phone's idempotency key: one case per UUID."""

    __tablename__ = "sos_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    # SET NULL, not CASCADE: a case in flight outlives the account; the snapshot below stays.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200))
    user_phone: Mapped[str | None] = mapped_column(String(20))
    user_email: Mapped[str | None] = mapped_column(String(254))
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("trips.id", ondelete="SET NULL"),
                                                index=True)
    # NULL: the default queue (no mission could be found), worked by admins.
    embassy_id: Mapped[int | None] = mapped_column(
        ForeignKey("embassies.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(12), default="open")
    # The message and the position are encrypted at rest (server/crypto.py).
    message: Mapped[str | None] = mapped_column(EncryptedString(1000))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    routed_by: Mapped[str] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(2))
    subdivision: Mapped[str | None] = mapped_column(String(6))
    lat: Mapped[float | None] = mapped_column(EncryptedFloat)
    lon: Mapped[float | None] = mapped_column(EncryptedFloat)
    accuracy: Mapped[float | None] = mapped_column(EncryptedFloat)
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised without an account (a crisis sign-up): name and phone are what was typed, unproven.
    unverified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    flag_reason: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    trip: Mapped[Trip | None] = relationship()
    embassy: Mapped[Embassy | None] = relationship()
    positions: Mapped[list[SosPosition]] = relationship(
        cascade="all, delete-orphan", order_by="SosPosition.recorded_at", passive_deletes=True)
    notes: Mapped[list[SosNote]] = relationship(
        cascade="all, delete-orphan", order_by="SosNote.created_at", passive_deletes=True)
    follow_ups: Mapped[list[SosFollowUp]] = relationship(
        cascade="all, delete-orphan", order_by="SosFollowUp.created_at", passive_deletes=True,
        back_populates="case")

    __table_args__ = (
        # The staff queue: one mission's cases by state, newest first.
        Index("ix_sos_cases_queue", "embassy_id", "state", "received_at"),
        # The admin queue across missions, and the default queue.
        Index("ix_sos_cases_state_received", "state", "received_at"),
        # A traveler's own cases, and the flood check (new cases in the last minutes).
        Index("ix_sos_cases_user_received", "user_id", "received_at"),
    )

    @property
    def is_closed(self) -> bool:
        return self.state in ("resolved", "cancelled")

    @property
    def timeline(self) -> list[SosNote | SosFollowUp]:
        """Staff notes and the traveler's follow-ups, oldest first: the case's notes to staff."""
        return sorted([*self.notes, *self.follow_ups], key=lambda item: item.created_at)

    def __repr__(self) -> str:
        return f"<SosCase {self.id} {self.client_uuid} {self.state}>"


class SosPosition(db.Model):
    """One point of the trail; unique per case and time so a replayed update is stored once."""

    __tablename__ = "sos_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sos_cases.id", ondelete="CASCADE"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lat: Mapped[float] = mapped_column(EncryptedFloat)  # encrypted at rest
    lon: Mapped[float] = mapped_column(EncryptedFloat)
    accuracy: Mapped[float | None] = mapped_column(EncryptedFloat)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("case_id", "recorded_at"),)

    def __repr__(self) -> str:
        return f"<SosPosition {self.id} case={self.case_id} {self.recorded_at}>"


class SosNote(db.Model):
    """A staff note on a case."""

    __tablename__ = "sos_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sos_cases.id", ondelete="CASCADE"),
                                         index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_traveler = False

    def __repr__(self) -> str:
        return f"<SosNote {self.id} case={self.case_id}>"


class SosFollowUp(db.Model):
    """A message the traveler's phone sent after the case's first one: a replay of the SOS
    whose text had changed (written again while the first attempt was in flight)."""

    __tablename__ = "sos_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sos_cases.id", ondelete="CASCADE"),
                                         index=True)
    text: Mapped[str] = mapped_column(EncryptedString(1000))  # like the case's message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[SosCase] = relationship(back_populates="follow_ups")
    from_traveler = True

    @property
    def author_name(self) -> str:
        return self.case.user.name if self.case.user else self.case.user_name

    def __repr__(self) -> str:
        return f"<SosFollowUp {self.id} case={self.case_id}>"
