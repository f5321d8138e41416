from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.crypto import EncryptedJSON
from server.db import UTCDateTime, db, utcnow

# The plain position is rounded to 0.01 degree (a cell of about 1.1 km north-south, less
# east-west away from the equator): enough for the audience SQL to find who is in an alert's
# area with its bounding-box index, too coarse to find a person's door. The exact fix is
# encrypted. The cost: a device within about 0.8 km (half the cell's diagonal) of a circle's
# or polygon's edge may be counted on the wrong side of it, so areas are to be drawn with
# that margin (README); stays in the area (trips) are matched on their own coordinates.
CELL_DECIMALS = 2


def cell(degrees: float) -> float:
    """The plain, coarse coordinate stored for ``degrees`` (see CELL_DECIMALS)."""
    return round(degrees, CELL_DECIMALS)


class Device(db.Model):
    """One browser push subscription (RFC 8030 endpoint + RFC 8291 keys) of one user.

    The position is the latest fix only, kept only while the user consents to location sharing:
    ``lat`` / ``lon`` hold its coarse cell in clear (for the audience SQL), ``fix`` the exact
    ``{"lat", "lon", "accuracy"}`` encrypted at rest. Whoever shows a position reads ``fix``.
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(10))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lat: Mapped[float | None] = mapped_column(Float)  # the cell: cell(exact latitude)
    lon: Mapped[float | None] = mapped_column(Float)
    fix: Mapped[dict | None] = mapped_column(EncryptedJSON)  # exact; accuracy in metres
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The country at the position (offline lookup when stored), for country-wide alerts.
    position_country: Mapped[str | None] = mapped_column(String(2))

    __table_args__ = (
        # A user's devices; covering for the alert audiences (device and language of each
        # person found), which then read this narrow index instead of the table.
        Index("ix_devices_user_id", "user_id", "id", "language"),
        # Alert audiences: fresh positions, then a bounding box on the coordinates (covering
        # the hazard census's read of the fresh fixes in a box).
        Index("ix_devices_position_at", "position_at"),
        Index("ix_devices_position_country", "position_country", "position_at"),
        Index("ix_devices_lat_lon", "lat", "lon", "position_at", "user_id", "position_country"),
    )

    # The values that erase a position (an UPDATE's values, or set on one device).
    NO_POSITION = {"lat": None, "lon": None, "fix": None, "position_at": None,
                   "position_country": None}

    def place(self, lat: float, lon: float, accuracy: float | None, at: datetime,
              country: str | None) -> None:
        """Store a fix: the cell in clear, the exact point encrypted."""
        self.lat, self.lon = cell(lat), cell(lon)
        self.fix = {"lat": lat, "lon": lon, "accuracy": accuracy}
        self.position_at, self.position_country = at, country

    @property
    def exact(self) -> dict:
        """The exact fix ``{"lat", "lon", "accuracy"}`` (all None without a position)."""
        return self.fix or {"lat": None, "lon": None, "accuracy": None}

    def forget_position(self) -> None:
        for name, value in self.NO_POSITION.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<Device {self.id} user={self.user_id}>"
