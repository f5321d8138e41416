"""A roll call's question and each reminder are broadcast messages of kind "rollcall"
(``RollCallMessage``: area, texts, deliveries, fan-out); these tables hold what is the roll
call's own: the roll call, its recipients with their latest answer, and every answer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.broadcast.models import Message
from server.crypto import EncryptedFloat
from server.db import UTCDateTime, db, utcnow

STATES = ("sending", "open", "closed")
ANSWERS = ("safe", "help")


class RollCallMessage(Message):
    """The question of a roll call (its first message), or a reminder (an Update referencing
    it). Pushed "high", by the person channels configured for "rollcall"."""

    __mapper_args__ = {"polymorphic_identity": "rollcall"}

    @property
    def selection_key(self) -> str:
        return "rollcall"


class RollCall(db.Model):
    """One "are you safe?" question to everyone in an area, open until staff close it."""

    __tablename__ = "rollcalls"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The question: the message that carries the area, the text per language, the first push.
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"),
                                          unique=True)
    embassy_id: Mapped[int | None] = mapped_column(
        ForeignKey("embassies.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default="sending")
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    message: Mapped[RollCallMessage] = relationship()

    def __repr__(self) -> str:
        return f"<RollCall {self.id} {self.state}>"


class RollCallRecipient(db.Model):
    """One traveler asked, with where they were (a snapshot of the stay in the area) and their
    latest answer (by answered_at), so the dashboard is a GROUP BY on one table."""

    __tablename__ = "rollcall_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    rollcall_id: Mapped[int] = mapped_column(ForeignKey("rollcalls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    leg_id: Mapped[int | None] = mapped_column(ForeignKey("legs.id", ondelete="SET NULL"))
    country: Mapped[str | None] = mapped_column(String(2))
    subdivision: Mapped[str | None] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(4))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    party_size: Mapped[int | None] = mapped_column(Integer)
    wants_evacuation: Mapped[bool | None] = mapped_column(Boolean)
    lat: Mapped[float | None] = mapped_column(EncryptedFloat)  # encrypted at rest
    lon: Mapped[float | None] = mapped_column(EncryptedFloat)
    accuracy: Mapped[float | None] = mapped_column(EncryptedFloat)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    sos_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("sos_cases.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("rollcall_id", "user_id"),
        # Dashboard counts, reminders to non-answerers, the call-centre export.
        Index("ix_rollcall_recipients_rollcall_id_answer", "rollcall_id", "answer"),
    )

    def __repr__(self) -> str:
        return f"<RollCallRecipient {self.rollcall_id}/{self.user_id} {self.answer}>"


class RollCallAnswer(db.Model):
    """Every answer as received (history); ``client_uuid`` makes a replayed one a no-op."""

    __tablename__ = "rollcall_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    rollcall_id: Mapped[int] = mapped_column(ForeignKey("rollcalls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(4))
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    wants_evacuation: Mapped[bool] = mapped_column(Boolean, default=False)
    lat: Mapped[float | None] = mapped_column(EncryptedFloat)  # encrypted at rest
    lon: Mapped[float | None] = mapped_column(EncryptedFloat)
    accuracy: Mapped[float | None] = mapped_column(EncryptedFloat)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    sos_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("sos_cases.id", ondelete="SET NULL"))

    __table_args__ = (
        # The time chart: answers of one roll call by arrival.
        Index("ix_rollcall_answers_rollcall_id_received_at", "rollcall_id", "received_at"),
    )

    def __repr__(self) -> str:
        return f"<RollCallAnswer {self.id} {self.rollcall_id}/{self.user_id} {self.answer}>"
