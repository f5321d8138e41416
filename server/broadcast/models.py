"""What the broadcast pipeline keeps per message: one delivery per recipient and channel.

The database, not the queue, is the truth of work in flight (see ``server/broadcast/tasks.py``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UTCDateTime, db, utcnow

# "delivered" and "expired": an SMS delivery report (server/sms/services.delivery_report).
DELIVERY_STATES = ("pending", "sent", "delivered", "failed", "expired", "gone")
CHANNELS = ("webpush", "sms", "email")  # see server/broadcast/channels/
DELIVERY_ERROR_LENGTH = 300  # a failed delivery's reason, cut to this


class Delivery(db.Model):
    """One message to one recipient on one channel (Web Push: one device); the database, not
    the queue, is the truth of work in flight."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    # SET NULL: a device removed as gone keeps its delivery as the record of what happened.
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("devices.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # How this delivery goes: a Web Push delivery has a device; an email or SMS one (next) has
    # only its user, whose address or number is read when it is sent.
    channel: Mapped[str] = mapped_column(String(8), default="webpush", server_default="webpush")
    language: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer)
    # Why a failed delivery failed (the push service's answer, a bad subscription...).
    error: Mapped[str | None] = mapped_column(String(DELIVERY_ERROR_LENGTH))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A claim in flight (server/broadcast/tasks.py). In no index, so that claiming is a HOT update.
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clicked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("alert_id", "device_id"),
        # A person-channel delivery (SMS, email: no device) once per message, person and
        # channel, so a resumed materialization or a second escalation pass adds nothing.
        Index("uq_deliveries_person_channel", "alert_id", "user_id", "channel", unique=True,
              postgresql_where=text("device_id IS NULL"), sqlite_where=text("device_id IS NULL")),
        # Stats per alert, and keyset pages of pending ids (the id makes the page order free).
        Index("ix_deliveries_alert_id_state", "alert_id", "state", "id"),
        # The sweep: pending deliveries whose attempt is overdue.
        Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        # A traveler's inbox.
        Index("ix_deliveries_user_id_alert_id", "user_id", "alert_id"),
        # Room on each page for the claim's new row version: the claim is then a HOT update
        # (the row is rewritten on its page and no index is touched). Materialization's INSERT
        # leaves that room. Half a page: a batch claims every row of its pages at once.
        {"postgresql_with": {"fillfactor": 50}},
    )

    def __repr__(self) -> str:
        return f"<Delivery {self.id} alert={self.alert_id} {self.state}>"
