"""A crisis page (one public, unguessable address per opening) and the people who signed up
through it: not accounts, people staff count beside the roll call's recipients."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.crypto import EncryptedFloat
from server.db import UTCDateTime, db, utcnow
from server.rollcall.models import RollCall


class CrisisPage(db.Model):
    """Open while not closed by staff and while its roll call is open and before its deadline:
    it closes by itself with the roll call, nothing has to run for that."""

    __tablename__ = "crisis_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    rollcall_id: Mapped[int] = mapped_column(ForeignKey("rollcalls.id", ondelete="CASCADE"),
                                             index=True)
    slug: Mapped[str] = mapped_column(String(43), unique=True)  # 32 random bytes, base64url
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    rollcall: Mapped[RollCall] = relationship()

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (self.closed_at is None and self.rollcall.state != "closed"
                and now < self.rollcall.deadline)

    @property
    def closes_at(self) -> datetime:
        return self.closed_at or self.rollcall.closed_at or self.rollcall.deadline

    def __repr__(self) -> str:
        return f"<CrisisPage {self.id} rollcall={self.rollcall_id}>"


class CrisisRegistration(db.Model):
    """One person who signed up on a crisis page; ``client_uuid`` (made by their browser)
    makes a resent form a no-op and is what lets that browser verify the phone."""

    __tablename__ = "crisis_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("crisis_pages.id", ondelete="CASCADE"))
    rollcall_id: Mapped[int] = mapped_column(ForeignKey("rollcalls.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))  # E.164
    place: Mapped[str] = mapped_column(String(200))  # what they typed: city, street, hotel
    answer: Mapped[str] = mapped_column(String(4))  # safe | help
    language: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float | None] = mapped_column(EncryptedFloat)  # encrypted at rest, with consent
    lon: Mapped[float | None] = mapped_column(EncryptedFloat)
    accuracy: Mapped[float | None] = mapped_column(EncryptedFloat)
    sos_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("sos_cases.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The pending SMS code (its keyed hash only), as server/sms/verify.py keeps an account's.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The dashboard: a roll call's registrations counted by answer, listed newest first.
        Index("ix_crisis_registrations_rollcall_id_received_at", "rollcall_id", "received_at"),
    )

    @property
    def phone_verified(self) -> bool:
        return self.phone_verified_at is not None

    def __repr__(self) -> str:
        return f"<CrisisRegistration {self.id} rollcall={self.rollcall_id} {self.answer}>"
