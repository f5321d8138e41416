from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import db

KINDS = ("embassy", "consulate_general", "consulate")


class Embassy(db.Model):
    __tablename__ = "embassies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(500))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    phone: Mapped[str] = mapped_column(String(20))
    emergency_phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    hours: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)

    areas: Mapped[list[EmbassyArea]] = relationship(
        back_populates="embassy", cascade="all, delete-orphan", passive_deletes=True)

    def localized_name(self, locale: str) -> str:
        return (self.names or {}).get(locale) or self.name

    @property
    def jurisdiction(self) -> list[str]:
        return sorted(area.subdivision or area.country for area in self.areas)

    def __repr__(self) -> str:
        return f"<Embassy {self.id} {self.key}>"


class EmbassyArea(db.Model):
    """One country, or one subdivision of it, under a mission's jurisdiction."""

    __tablename__ = "embassy_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    embassy_id: Mapped[int] = mapped_column(ForeignKey("embassies.id", ondelete="CASCADE"),
                                            index=True)
    country: Mapped[str] = mapped_column(String(2))
    subdivision: Mapped[str | None] = mapped_column(String(6))

    embassy: Mapped[Embassy] = relationship(back_populates="areas")

    __table_args__ = (Index("ix_embassy_areas_country_subdivision", "country", "subdivision"),)

    def __repr__(self) -> str:
        return f"<EmbassyArea {self.embassy_id} {self.subdivision or self.country}>"
