from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.crypto import EncryptedString
from server.db import UTCDateTime, db, utcnow

# queued -> sending (claimed by a task) -> sent (smsbox accepted it) -> delivered | failed |
# expired (the operator's report); "retry" waits for next_attempt_at; "failed" also when
# smsbox refused it for good or the attempts ran out.
STATES = ("queued", "sending", "retry", "sent", "delivered", "failed", "expired")
FINAL_STATES = ("delivered", "failed", "expired")


class SmsMessage(db.Model):
    """One SMS sent (any number of segments): what, to whom, how it went. The broadcast's
    deliveries link to it through ``delivery_id`` (or any caller through ``ref``)."""

    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(20))  # E.164
    text: Mapped[str] = mapped_column(EncryptedString(1600))  # encrypted at rest
    kind: Mapped[str] = mapped_column(String(16))  # verify, reply, rollcall, alert...
    encoding: Mapped[str] = mapped_column(String(4))  # gsm | ucs2
    segments: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    delivery_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the lead's rows
    ref: Mapped[str | None] = mapped_column(String(64), index=True)
    gateway_status: Mapped[int | None] = mapped_column(Integer)  # smsbox's HTTP status
    gateway_id: Mapped[str | None] = mapped_column(String(64))  # the SMSC's message id
    dlr_status: Mapped[int | None] = mapped_column(Integer)  # Kannel's %d (1, 2, 8, 16)
    dlr_code: Mapped[str | None] = mapped_column(String(64))  # the operator's code
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_sms_messages_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_sms_messages_to_created_at", "to", "created_at"),  # help-text throttle
    )

    def __repr__(self) -> str:
        return f"<SmsMessage {self.id} {self.kind} {self.state}>"


class SmsInbox(db.Model):
    """One SMS from a phone (mobile-originated), once per gateway message id, with what was
    made of it: an answer to a roll call, an SOS, or text for staff to read."""

    __tablename__ = "sms_inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    mo_id: Mapped[str] = mapped_column(String(64), unique=True)  # Kannel's %I
    sender: Mapped[str] = mapped_column(String(32))
    receiver: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(EncryptedString(480))  # encrypted at rest
    handled_as: Mapped[str] = mapped_column(String(8))  # safe, help, sos, other, unknown
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    # Whose staff read it: the roll call's or the traveler's mission; none (admins) for an
    # unknown number.
    embassy_id: Mapped[int | None] = mapped_column(
        ForeignKey("embassies.id", ondelete="SET NULL"))
    rollcall_id: Mapped[int | None] = mapped_column(
        ForeignKey("rollcalls.id", ondelete="SET NULL"))
    sos_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("sos_cases.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_sms_inbox_embassy_id_received_at", "embassy_id", "received_at"),
    )

    def __repr__(self) -> str:
        return f"<SmsInbox {self.id} {self.handled_as}>"


class PhoneVerification(db.Model):
    """The code sent to prove a phone number, one pending per account; only its keyed hash
    is kept."""

    __tablename__ = "phone_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PhoneVerification user {self.user_id}>"
