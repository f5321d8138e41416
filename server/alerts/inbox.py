"""What recipients and the public read: my alerts, clicks, delivery stats, public alerts."""
from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import Select, bindparam, case, distinct, func, select, update
from sqlalchemy.orm import joinedload

from server.accounts.models import User
from server.alerts.models import PUBLIC_STATUSES, Alert
from server.broadcast import stats as broadcast_stats
from server.broadcast.models import Delivery
from server.db import db, utcnow
from server.refusals import NotFound


@cache
def _received() -> Select:
    """SQL: (alert, my latest click) for each alert delivered to one of my devices, driven by
    the user's deliveries index, texts joined in (one round trip; ``unique()`` the result).
    Built once (the inbox is read often; models are all mapped by the first request): the
    user is the ``user_id`` parameter. Alerts only: a query of ``Alert`` finds no other kind
    of message (a roll call is answered on its own page)."""
    mine = (select(Delivery.alert_id, func.max(Delivery.clicked_at).label("clicked_at"))
            .where(Delivery.user_id == bindparam("user_id")).group_by(Delivery.alert_id)
            .subquery())
    return (select(Alert, mine.c.clicked_at).join(mine, mine.c.alert_id == Alert.id)
            .options(joinedload(Alert.texts)))


@cache
def _inbox(paged: bool) -> Select:
    """My inbox, newest first: the first page, or (``paged``) the page below ``before``."""
    query = (_received().where(Alert.sent_at.is_not(None)).order_by(Alert.id.desc())
             .limit(bindparam("limit")))
    return query.where(Alert.id < bindparam("before")) if paged else query


def _as_recipient(alert: Alert, language: str, clicked_at) -> dict:
    text = alert.text_for(language, current_app.config["BABEL_DEFAULT_LOCALE"])
    return {
        "id": alert.id, "msg_type": alert.msg_type, "references": alert.references_id,
        "category": alert.category, "event": alert.event, "urgency": alert.urgency,
        "severity": alert.severity, "certainty": alert.certainty, "effective": alert.effective,
        "expires": alert.expires, "sent_at": alert.sent_at,
        "cancelled": alert.state == "cancelled", "language": text.language,
        "headline": text.headline, "description": text.description,
        "instruction": text.instruction, "web": text.web, "clicked_at": clicked_at,
    }


def my_alerts(user: User, before: int | None, limit: int) -> list[dict]:
    """Alerts pushed to any of my devices, newest first, in my language."""
    params = {"user_id": user.id, "limit": limit}
    if before:
        params["before"] = before
    rows = db.session.execute(_inbox(bool(before)), params).unique().all()
    language = str(get_locale())
    return [_as_recipient(alert, language, clicked_at) for alert, clicked_at in rows]


def my_alert(user: User, alert_id: int) -> dict:
    """One alert I received, else 404 (an alert I did not receive is not revealed)."""
    row = db.session.execute(_received().where(Alert.id == alert_id),
                             {"user_id": user.id}).unique().one_or_none()
    if row is None:
        raise NotFound()
    return _as_recipient(row[0], str(get_locale()), row[1])


def record_click(user: User, alert_id: int) -> None:
    """The app opened the alert from its notification (first click counts)."""
    if db.session.scalar(select(Delivery.id).where(Delivery.alert_id == alert_id,
                                                   Delivery.user_id == user.id).limit(1)) is None:
        raise NotFound()
    db.session.execute(update(Delivery).where(
        Delivery.alert_id == alert_id, Delivery.user_id == user.id,
        Delivery.clicked_at.is_(None)).values(clicked_at=utcnow()))


def delivery_stats(alert: Alert) -> dict:
    """Live progress of one alert: deliveries per state and per channel, and how many were
    opened."""
    stats = broadcast_stats.by_state([alert.id])
    stats["by_channel"] = broadcast_stats.by_channel([alert.id])
    stats["clicked"] = db.session.scalar(select(func.count()).where(
        Delivery.alert_id == alert.id, Delivery.clicked_at.is_not(None)))
    return stats


def failure_reasons(alert: Alert) -> list[dict]:
    """Failed deliveries grouped by channel, state and recorded reason, largest first."""
    return broadcast_stats.failures([alert.id])


def delivery_series(alert: Alert) -> dict:
    """Sent and opened over time since the alert was sent (the delivery chart)."""
    return broadcast_stats.series([alert.id], alert.sent_at)


def reach(alert_ids: list[int]) -> dict[int, dict]:
    """Per alert: the people reached (a delivery sent on any channel) of the people it went to."""
    reached = func.count(distinct(case((Delivery.state.in_(("sent", "delivered")),
                                        Delivery.user_id))))
    rows = db.session.execute(
        select(Delivery.alert_id, reached, func.count(distinct(Delivery.user_id)))
        .where(Delivery.alert_id.in_(alert_ids)).group_by(Delivery.alert_id))
    return {alert_id: {"reached": done, "people": people} for alert_id, done, people in rows}


def unreached(alert: Alert) -> list[dict]:
    """The people of ``alert``'s audience (as of its sending) no channel reached, with their
    contacts and language (a call list)."""
    from server.broadcast import audience

    people = audience.people(alert, alert.sent_at or utcnow())
    return broadcast_stats.unreached_people([alert.id], people)


def unreached_csv(staff: User, alert: Alert) -> str:
    """``unreached`` as CSV for the call centre (audited, like the roll-call call list)."""
    from server.audit import services as audit

    people = unreached(alert)
    audit.record(staff, "alert.unreached_export", alert, rows=len(people))
    return broadcast_stats.unreached_csv(people)


def public_alert(alert_id: int) -> Alert:
    """A sent Actual or Exercise alert, else 404 (drafts and tests are not published)."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or not alert.is_public:
        raise NotFound()
    return alert


def recent_public(limit: int = 50) -> list[Alert]:
    return list(db.session.scalars(
        select(Alert).where(Alert.sent_at.is_not(None),
                            Alert.status.in_(PUBLIC_STATUSES))
        .order_by(Alert.sent_at.desc(), Alert.id.desc()).limit(limit)))
