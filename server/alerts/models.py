from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import UTCDateTime, db, utcnow

STATUSES = ("Actual", "Exercise", "Test", "Draft")
PUBLIC_STATUSES = ("Actual", "Exercise")
MSG_TYPES = ("Alert", "Update", "Cancel")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
STATES = ("draft", "approved", "sending", "sent", "cancelled")
TWO_PERSON_SEVERITIES = ("Extreme", "Severe")
AREA_KINDS = ("country", "subdivision", "circle", "polygon")
# "alert": a CAP alert. Other kinds are another feature's push riding on the same area rules
# and fan-out (e.g. "rollcall"): never listed, approved, published or shown as alerts.
KINDS = ("alert", "rollcall")


class Alert(db.Model):
    """One CAP message; an Update or Cancel is its own row referencing the original."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(100), unique=True)
    embassy_id: Mapped[int | None] = mapped_column(
        ForeignKey("embassies.id", ondelete="SET NULL"), index=True)
    sender: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10))
    msg_type: Mapped[str] = mapped_column(String(10), default="Alert")
    kind: Mapped[str] = mapped_column(String(10), default="alert", server_default="alert")
    references_id: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(String(10))
    event: Mapped[str] = mapped_column(String(100))
    urgency: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(10))
    certainty: Mapped[str] = mapped_column(String(10))
    effective: Mapped[datetime] = mapped_column(UTCDateTime)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    texts: Mapped[list[AlertText]] = relationship(
        cascade="all, delete-orphan", order_by="AlertText.id", passive_deletes=True)
    areas: Mapped[list[AlertArea]] = relationship(
        cascade="all, delete-orphan", order_by="AlertArea.id", passive_deletes=True)
    references: Mapped[Alert | None] = relationship(remote_side=[id])

    __table_args__ = (
        Index("ix_alerts_state_sent_at", "state", "sent_at"),
    )

    @property
    def needs_second_person(self) -> bool:
        return self.severity in TWO_PERSON_SEVERITIES

    @property
    def is_public(self) -> bool:
        return (self.kind == "alert" and self.sent_at is not None
                and self.status in PUBLIC_STATUSES)

    @property
    def thread_id(self) -> int:
        """The first alert of an Update/Cancel chain: the notification tag and push Topic."""
        return self.references_id or self.id

    def text_for(self, language: str, default: str) -> AlertText | None:
        by_language = {t.language: t for t in self.texts}
        return by_language.get(language) or by_language.get(default) or (
            self.texts[0] if self.texts else None)

    def __repr__(self) -> str:
        return f"<Alert {self.id} {self.msg_type} {self.severity} {self.state}>"


class AlertText(db.Model):
    """The alert in one language (CAP ``info`` block)."""

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
        return f"<AlertText {self.alert_id} {self.language}>"


class AlertArea(db.Model):
    """One part of the alert's area. Circles and polygons keep their bounding box, the
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
        return f"<AlertArea {self.alert_id} {self.kind} {self.code or ''}>"
