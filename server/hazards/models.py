"""A hazard event as the feed describes it (updates replace it), its counts by mission, and
each feed's polling state (conditional GET validators)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UTCDateTime, db, utcnow

LEVELS = ("green", "yellow", "orange", "red")  # GDACS / USGS PAGER colours, lowest first
STATES = ("open", "closed")


class HazardEvent(db.Model):
    """One hazard, keyed by the feed's own identifier: a second poll or an update rewrites
    this row (and clears its counts until they are made again), never adds another."""

    __tablename__ = "hazard_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str | None] = mapped_column(String(64))  # the feed's "updated" stamp
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(6))
    magnitude: Mapped[float | None] = mapped_column(Float)
    depth_km: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(2))  # at the centre: jurisdiction
    areas: Mapped[list] = mapped_column(JSON)  # alert-area dicts (server.alerts AreaIn)
    cap: Mapped[dict] = mapped_column(JSON, default=dict)  # category, urgency, severity...
    effective: Mapped[datetime] = mapped_column(UTCDateTime)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(6), default="open")
    counts: Mapped[dict | None] = mapped_column(JSON)
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("feed", "source_id"),
        Index("ix_hazard_events_state_expires", "state", "expires"),
    )

    def __repr__(self) -> str:
        return f"<HazardEvent {self.id} {self.feed}:{self.source_id} {self.level} {self.state}>"


class HazardEventMission(db.Model):
    """People in the event's area under one mission's jurisdiction: the staff list's scope."""

    __tablename__ = "hazard_event_missions"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("hazard_events.id", ondelete="CASCADE"), primary_key=True)
    embassy_id: Mapped[int] = mapped_column(
        ForeignKey("embassies.id", ondelete="CASCADE"), primary_key=True, index=True)
    people: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<HazardEventMission {self.event_id}/{self.embassy_id} {self.people}>"


class HazardFeed(db.Model):
    """What the last poll of a configured feed learnt: validators for the next one."""

    __tablename__ = "hazard_feeds"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(300))

    def __repr__(self) -> str:
        return f"<HazardFeed {self.key} {self.polled_at}>"
