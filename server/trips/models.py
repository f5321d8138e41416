from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.crypto import EncryptedString
from server.db import UTCDateTime, db, utcnow

PURPOSES = ("tourism", "business", "study", "work", "family", "residence", "other")


class Trip(db.Model):
    __tablename__ = "trips"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(String(1000))
    # Encrypted at rest (server/crypto.py): read, never searched.
    emergency_contact_name: Mapped[str] = mapped_column(EncryptedString(200))
    emergency_contact_phone: Mapped[str] = mapped_column(EncryptedString(20))
    emergency_contact_email: Mapped[str | None] = mapped_column(EncryptedString(254))
    # The language the traveler picked for the messages the contact gets (server/trips/contact.py)
    emergency_contact_language: Mapped[str | None] = mapped_column(String(10))
    # The traveler agrees that the contact is told of a "safe" answer and of SOS cases.
    emergency_contact_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Derived from the legs (kept for listing and retention queries); NULL end = resident abroad.
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    legs: Mapped[list[Leg]] = relationship(
        back_populates="trip", cascade="all, delete-orphan", order_by="Leg.start_date",
        passive_deletes=True)
    companions: Mapped[list[Companion]] = relationship(
        cascade="all, delete-orphan", order_by="Companion.id", passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}

    def status(self, today: date | None = None) -> str:
        """current, upcoming or past, as of ``today`` (UTC)."""
        today = today or date.today()
        if self.start_date > today:
            return "upcoming"
        if self.end_date is not None and self.end_date < today:
            return "past"
        return "current"

    def __repr__(self) -> str:
        return f"<Trip {self.id} user={self.user_id} {self.start_date}..{self.end_date}>"


class Leg(db.Model):
    """One stay in one place; alerts target legs by country, subdivision or coordinates."""

    __tablename__ = "legs"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), index=True)
    # Denormalized from the trip so an audience query needs no join through trips.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    subdivision: Mapped[str | None] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    trip: Mapped[Trip] = relationship(back_populates="legs")

    # Covering for the alert audience (dates and user_id after the range): finding who stays
    # in a country or a box is an index-only scan, however many people that is. The box's
    # also holds the stay's id and place: the hazard census reads whole boxes of stays.
    __table_args__ = (
        Index("ix_legs_country_dates", "country", "start_date", "end_date", "user_id"),
        Index("ix_legs_subdivision_dates", "subdivision", "start_date", "end_date"),
        Index("ix_legs_lat_lon", "lat", "lon", "start_date", "end_date", "user_id", "id",
              "country", "subdivision", "city"),
    )

    def __repr__(self) -> str:
        return f"<Leg {self.id} {self.country} {self.start_date}..{self.end_date}>"


class Companion(db.Model):
    """Someone travelling with the traveler; family members need not be citizens."""

    __tablename__ = "companions"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(EncryptedString(200))  # encrypted at rest
    relationship: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(EncryptedString(20))
    nationality: Mapped[str | None] = mapped_column(String(2))

    def __repr__(self) -> str:
        return f"<Companion {self.id} trip={self.trip_id}>"
