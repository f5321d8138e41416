from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UTCDateTime, db, utcnow


class Device(db.Model):
    """One browser push subscription (RFC 8030 endpoint + RFC 8291 keys) of one user.

    The position is the latest fix only, kept only while the user consents to location sharing.
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(10))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy: Mapped[float | None] = mapped_column(Float)  # metres
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The country at the position (offline lookup when stored), for country-wide alerts.
    position_country: Mapped[str | None] = mapped_column(String(2))

    __table_args__ = (
        # Alert audiences: fresh positions, then a bounding box on the coordinates.
        Index("ix_devices_position_at", "position_at"),
        Index("ix_devices_position_country", "position_country", "position_at"),
        Index("ix_devices_lat_lon", "lat", "lon"),
    )

    def forget_position(self) -> None:
        self.lat = self.lon = self.accuracy = self.position_at = self.position_country = None

    def __repr__(self) -> str:
        return f"<Device {self.id} user={self.user_id}>"
