"""What the broadcast pipeline keeps per message: one delivery per recipient and channel, and
the batches they are sent in.

The database, not the queue, is the truth of work in flight (see ``server/broadcast/tasks.py``):
a batch stays open until none of its deliveries is pending, and the sweep works from the open
batches. So no index of ``deliveries`` holds a column that sending changes, and each update of a
delivery (claim, result, click, SMS report) is a HOT update on PostgreSQL (README: "Cheap
bookkeeping").
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, text
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

    # No foreign keys: each cost a lookup and a row lock per inserted row (half of what
    # materialization cost). Alerts are never deleted; an erased account's deliveries are
    # deleted with it (``server/broadcast/__init__.py``); a removed device's deliveries keep its
    # number as the record of what happened (a later push to it finds no device: "gone").
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(Integer)
    device_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(Integer)
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
    # A claim in flight (server/broadcast/tasks.py). Like state, in no index (HOT updates).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clicked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Four indexes, none on what sending changes (state, next_attempt_at, leased_until...).
    # Per-state counts and the rare breakdowns (server/broadcast/stats.py) read a message's
    # rows through ``(alert_id, device_id)``; pending work is found through open batches.
    __table_args__ = (
        # A device once per message (materialization's ON CONFLICT); a device's status.
        UniqueConstraint("alert_id", "device_id"),
        # A person-channel delivery (SMS, email: no device) once per message, person and
        # channel, so a resumed materialization or a second escalation pass adds nothing.
        Index("uq_deliveries_person_channel", "alert_id", "user_id", "channel", unique=True,
              postgresql_where=text("device_id IS NULL"), sqlite_where=text("device_id IS NULL")),
        # A traveler's inbox, clicks, an erased account's rows.
        Index("ix_deliveries_user_id_alert_id", "user_id", "alert_id"),
        # Room on each page for the new row versions of the claim and of the result: they are
        # then HOT updates (the row is rewritten on its page and no index is touched).
        # Materialization's INSERT leaves that room. Half a page: a batch claims every row of
        # its pages at once (the result's versions take the room the claim's pruned ones left).
        {"postgresql_with": {"fillfactor": 50}},
    )

    def __repr__(self) -> str:
        return f"<Delivery {self.id} alert={self.alert_id} {self.state}>"


class DeliveryBatch(db.Model):
    """One task's deliveries of one message (``PUSH_BATCH_SIZE`` ids), written with them in
    the same transaction and open until none of them is pending: what the sweep re-enqueues
    when a task was lost, without an index on the deliveries' state."""

    __tablename__ = "delivery_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    delivery_ids: Mapped[list[int]] = mapped_column(JSON)
    size: Mapped[int] = mapped_column(Integer)  # len(delivery_ids)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The open batches of a message (enqueue), and of every message (the sweep).
        Index("ix_delivery_batches_open", "alert_id", "id", postgresql_where=text(
            "done_at IS NULL"), sqlite_where=text("done_at IS NULL")),
    )

    def __repr__(self) -> str:
        return f"<DeliveryBatch {self.id} alert={self.alert_id} {self.size} ids>"
