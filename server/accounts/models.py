from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from server.embassies.models import Embassy

ROLES = ("traveler", "viewer", "officer", "admin")
STAFF_ROLES = ("viewer", "officer", "admin")
ACTING_ROLES = ("officer", "admin")  # may draft, approve, send and work cases


def _new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Proven by a link sent to it (server/accounts/email.py); alerts: server.mail.email_reachable.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A new address asked for, replacing ``email`` once its link is opened.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164; SMS replies
    # Proven by a code sent to it by SMS (server/sms/verify.py); a new number is unproven.
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(10), default="en")
    role: Mapped[str] = mapped_column(String(10), default="traveler", index=True)
    embassy_id: Mapped[int | None] = mapped_column(
        ForeignKey("embassies.id", ondelete="SET NULL"), index=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Staff TOTP: a secret shown for enrolment is pending until a code from it is confirmed;
    # the last accepted time step, so a code cannot be used twice.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    location_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rotated on password change and sign-out-everywhere: every older session stops working.
    session_token: Mapped[str] = mapped_column(String(32), default=_new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    embassy: Mapped[Embassy | None] = relationship()  # staff: their mission

    __table_args__ = (
        # Covering for the alert audiences (language and consent of each person found): an
        # index-only read instead of a visit to the (wide) user row. Plain key columns, not
        # PostgreSQL's INCLUDE, so SQLite gets the same index.
        Index("ix_users_audience", "id", "language", "location_consent"),
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = _new_session_token()

    @property
    def phone_verified(self) -> bool:
        return self.phone_verified_at is not None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class SignInThrottle(db.Model):
    """Failed sign-ins counted in one lane (``server/accounts/throttle.py``): an email from one
    address, an email from anywhere, or an account's second factor. Keyed by a keyed hash, so
    the emails tried (existing or not) and the addresses are not stored."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<SignInThrottle {self.key[:8]} {self.failures}>"
