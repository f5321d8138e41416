from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from server.db import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """One staff (or security-relevant) action. Rows are only ever inserted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No cascade: the log outlives the account; the actor's email is kept in ``actor_label``.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    embassy_id: Mapped[int | None] = mapped_column(ForeignKey("embassies.id",
                                                              ondelete="SET NULL"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_audit_events_created_at", "created_at"),
        Index("ix_audit_events_actor_created", "actor_id", "created_at"),
        Index("ix_audit_events_target", "target_type", "target_id"),
        Index("ix_audit_events_action_id", "action", "id"),
    )

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.target_type}:{self.target_id}>"


class AuditLogIsAppendOnly(RuntimeError):
    """Raised on any attempt to change or delete audit rows through the ORM."""


# The app can only append. On PostgreSQL a trigger refuses UPDATE and DELETE as well (see the
# "staff identity" migration); a retention job needs the privileged path described there.
@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"{target!r}: the audit log is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state) -> None:
    """Bulk ``update()``/``delete()`` statements skip the mapper events above: refuse them."""
    if (state.is_update or state.is_delete) and getattr(
            getattr(state.statement, "table", None), "name", None) == AuditEvent.__tablename__:
        raise AuditLogIsAppendOnly("the audit log is append-only")
