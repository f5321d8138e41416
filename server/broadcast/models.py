"""What the broadcast pipeline sends and keeps: the message (its area, its text per language,
its time window and state), one delivery per recipient and channel, and the batches the
deliveries are sent in.

A message is of one kind (``Message.kind``): each kind is a subclass declared by the feature
that owns it (``server.alerts.models.Alert``, ``server.rollcall.models.RollCallMessage``), all
of them rows of one table (single-table inheritance). A query of a subclass only finds its
own kind; the pipeline speaks of ``Message`` and so sends any kind.

The database, not the queue, is the truth of work in flight (see ``server/broadcast/tasks.py``):
a batch stays open until none of its deliveries is pending, and the sweep works from the open
batches. So no index of ``deliveries`` holds a column that sending changes, and each update of a
delivery (claim, result, click, SMS report) is a HOT update on PostgreSQL (README: "Cheap
bookkeeping").
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import UTCDateTime, db, utcnow

MSG_TYPES = ("Alert", "Update", "Cancel")  # a first message, a follow-up, a cancellation
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")  # CAP's words
AREA_KINDS = ("country", "subdivision", "circle", "polygon")



class Message(db.Model):
    """One message to everyone in an area during a time window, in their language; an Update
    or Cancel (or a roll call's reminder) is its own row referencing the first of its thread.

    The table keeps its first name, ``alerts`` (and ``alert_id`` in the tables that point to
    it): renaming it would rebuild it on SQLite, where dropping the old table cascades to
    every delivery (README, architecture)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The subclass a row loads as; rows from before kinds existed are alerts.
    kind: Mapped[str] = mapped_column(String(10), server_default="alert")
    embassy_id: Mapped[int | None] = mapped_column(
        ForeignKey("embassies.id", ondelete="SET NULL"), index=True)
    msg_type: Mapped[str] = mapped_column(String(10), default="Alert")
    references_id: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL"), index=True)
    # Which person channels it goes by (``selection_key``), the push's urgency, the email's
    # subject.
    severity: Mapped[str] = mapped_column(String(10))
    effective: Mapped[datetime] = mapped_column(UTCDateTime)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Progress of a materialization: the sweep resumes one that stopped moving.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    texts: Mapped[list[MessageText]] = relationship(
        cascade="all, delete-orphan", order_by="MessageText.id", passive_deletes=True)
    areas: Mapped[list[MessageArea]] = relationship(
        cascade="all, delete-orphan", order_by="MessageArea.id", passive_deletes=True)
    references: Mapped[Message | None] = relationship(remote_side=[id])

    __table_args__ = (
        Index("ix_alerts_state_sent_at", "state", "sent_at"),
    )
    __mapper_args__ = {"polymorphic_on": "kind"}

    @property
    def thread_id(self) -> int:
        """The first message of its thread: the notification tag and push Topic."""
        return self.references_id or self.id

    @property
    def selection_key(self) -> str:
        """What picks its person channels in ``BROADCAST_*_CHANNELS``
        (``server/broadcast/selection.py``): its severity, unless its kind says otherwise."""
        return self.severity

    def text_for(self, language: str, default: str) -> MessageText | None:
        by_language = {t.language: t for t in self.texts}
        return by_language.get(language) or by_language.get(default) or (
            self.texts[0] if self.texts else None)

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.kind} {self.msg_type} {self.state}>"


class MessageText(db.Model):
    """The message in one language (a CAP ``info`` block for an alert)."""

    __tablename__ = "alert_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(10))
    headline: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    instruction: Mapped[str | None] = mapped_column(Text)
    web: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("alert_id", "language"),)

    def __repr__(self) -> str:
        return f"<MessageText {self.alert_id} {self.language}>"


class MessageArea(db.Model):
    """One part of the message's area. Circles and polygons keep their bounding box, the
    index-friendly prefilter of the audience query (min_lon > max_lon: crosses 180°)."""

    __tablename__ = "alert_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(12))
    code: Mapped[str | None] = mapped_column(String(6))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    radius_km: Mapped[float | None] = mapped_column(Float)
    ring: Mapped[list | None] = mapped_column(JSON)  # [[lat, lon], ...], closed
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    min_lon: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"<MessageArea {self.alert_id} {self.kind} {self.code or ''}>"


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
