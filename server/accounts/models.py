from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UTCDateTime, db, utcnow

ROLES = ("traveler", "viewer", "officer", "admin")
STAFF_ROLES = ("viewer", "officer", "admin")


def _new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10), default="en")
    role: Mapped[str] = mapped_column(String(10), default="traveler", index=True)
    embassy_id: Mapped[int | None] = mapped_column(
        ForeignKey("embassies.id", ondelete="SET NULL"), index=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    location_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rotated on password change and sign-out-everywhere: every older session stops working.
    session_token: Mapped[str] = mapped_column(String(32), default=_new_session_token)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = _new_session_token()

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
