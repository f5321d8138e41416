"""Alert rules for staff: drafting in scope, the two-person rule, sending and cancelling.

Services flush; the request commits. Background work is enqueued only once the request's
transaction has committed, so a worker never sees an alert older than the one that was sent.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from server.accounts.models import ACTING_ROLES, User
from server.alerts.models import Alert
from server.audit import services as audit
from server.broadcast import areas as area_rules
from server.broadcast import audience
from server.broadcast.models import Delivery, MessageText
from server.db import db, utcnow
from server.embassies.models import Embassy
from server.live import publish_after_commit
from server.refusals import Conflict, Forbidden, Invalid
from server.staff import scope

EDITABLE_STATES = ("draft", "approved")
# Staff roles that draft, approve, send and cancel (viewers only read).


def _scoped(user: User):
    """Alerts of the user's mission; an admin's: all (a query of ``Alert`` finds no other
    kind of message)."""
    return select(Alert).where(scope.mission_filter(user, Alert.embassy_id))


def list_alerts(user: User, state: str | None, before: int | None, limit: int) -> list[Alert]:
    query = _scoped(user)
    if state:
        query = query.where(Alert.state == state)
    if before:
        query = query.where(Alert.id < before)
    return list(db.session.scalars(query.order_by(Alert.id.desc()).limit(limit)))


def get_alert(user: User, alert_id: int) -> Alert:
    """An alert of the user's mission (any, for admins), else NotFound."""
    return scope.one(_scoped(user).where(Alert.id == alert_id))


def _check_times(effective: datetime, expires: datetime) -> None:
    longest = timedelta(hours=current_app.config["ALERT_MAX_HOURS"])
    if expires <= effective:
        raise Invalid(_l("The alert must expire after it takes effect."), field="expires")
    if expires <= utcnow():
        raise Invalid(_l("This time has already passed."), field="expires")
    if expires - effective > longest:
        raise Invalid(_l("An alert lasts at most {hours} hours; send an update instead.")
                      .format(hours=current_app.config["ALERT_MAX_HOURS"]), field="expires")


def _check_jurisdiction(user: User, areas: list[dict]) -> None:
    errors = area_rules.jurisdiction_problems(user, areas)
    if errors:
        raise Forbidden(_l("You may only alert places in your mission's jurisdiction."),
                        errors={"json": {"areas": errors}})


def _sender(user: User) -> str:
    embassy = db.session.get(Embassy, user.embassy_id) if user.embassy_id else None
    return embassy.email if embassy else current_app.config["VAPID_SUBJECT"].split(":", 1)[-1]


def _apply(alert: Alert, data: dict) -> None:
    if "texts" in data:
        if alert.texts:  # the old rows go first: one text per (alert, language)
            alert.texts.clear()
            db.session.flush()
        alert.texts = [MessageText(**text) for text in data["texts"]]
    if "areas" in data:
        alert.areas = [area_rules.build_area(area) for area in data["areas"]]
    for key in ("status", "category", "event", "urgency", "severity", "certainty",
                "effective", "expires"):
        if key in data and data[key] is not None:
            setattr(alert, key, data[key])


def create_alert(user: User, data: dict) -> Alert:
    """A draft in the user's mission, for areas in its jurisdiction."""
    _check_jurisdiction(user, data["areas"])
    references = None
    if data["msg_type"] == "Update":
        references = db.session.scalar(_scoped(user).where(Alert.id == data["references"]))
        if references is None or references.sent_at is None or references.state == "cancelled":
            raise Invalid(_l("Only a sent alert of your mission can be updated."),
                          field="references")
    data["effective"] = data.get("effective") or utcnow()
    _check_times(data["effective"], data["expires"])
    alert = Alert(identifier=str(uuid.uuid4()), embassy_id=user.embassy_id, sender=_sender(user),
                  msg_type=data["msg_type"], state="draft", drafted_by_id=user.id,
                  references_id=references.thread_id if references else None)
    _apply(alert, data)
    db.session.add(alert)
    db.session.flush()
    audit.record(user, "alert.create", alert, severity=alert.severity)
    return alert


def update_alert(user: User, alert_id: int, data: dict) -> Alert:
    """Change a draft (or an approved alert, which then needs approving again)."""
    alert = get_alert(user, alert_id)
    if alert.state not in EDITABLE_STATES:
        raise Conflict(_l("A sent or cancelled alert cannot be changed; send an update."))
    data.pop("msg_type", None)
    data.pop("references", None)
    if "areas" in data:
        _check_jurisdiction(user, data["areas"])
    _check_times(data.get("effective") or alert.effective, data.get("expires") or alert.expires)
    _apply(alert, data)
    alert.state, alert.approved_by_id, alert.approved_at = "draft", None, None
    db.session.flush()
    audit.record(user, "alert.update", alert, fields=sorted(data))
    return alert


def can_approve(user: User, alert: Alert) -> bool:
    """Whether the draft waits for a second person's approval that ``user`` may give."""
    return (user.role in ACTING_ROLES and alert.state == "draft" and alert.needs_second_person
            and alert.drafted_by_id != user.id)


def can_send(user: User, alert: Alert) -> bool:
    """Whether ``user`` may send it now, or again to newcomers (what ``send`` accepts)."""
    if user.role not in ACTING_ROLES or alert.expires <= utcnow():
        return False
    if alert.state == "draft":
        return not alert.needs_second_person
    return alert.state in ("approved", "sent")


def approve(user: User, alert_id: int) -> Alert:
    """Approve a draft; Severe and Extreme alerts need someone other than the drafter."""
    alert = get_alert(user, alert_id)
    if alert.state != "draft":
        raise Conflict(_l("Only a draft can be approved."))
    if alert.needs_second_person and alert.drafted_by_id == user.id:
        raise Forbidden(_l("A Severe or Extreme alert must be approved by a second "
                           "staff member."))
    alert.state, alert.approved_by_id, alert.approved_at = "approved", user.id, utcnow()
    db.session.flush()
    audit.record(user, "alert.approve", alert, severity=alert.severity)
    publish_after_commit("approval.approved", alert.embassy_id, alert=alert.id,
                         drafted_by=alert.drafted_by_id)
    return alert


def send(user: User, alert_id: int) -> Alert:
    """Start sending (or re-send to people who arrived since): returns at once.

    Minor, Moderate and Unknown alerts may be sent by their drafter without a separate
    approval; Severe and Extreme ones need the second person's approval first.
    """
    alert = get_alert(user, alert_id)
    if alert.state == "cancelled":
        raise Conflict(_l("This alert was cancelled."))
    if alert.state == "draft":
        if alert.needs_second_person:
            raise Conflict(_l("A second staff member must approve this alert first."))
        alert.approved_by_id, alert.approved_at = user.id, utcnow()
    if alert.expires <= utcnow():
        raise Conflict(_l("This alert has expired."))
    resend = alert.sent_at is not None
    # A resend is "sending" too until its audience is materialized, so that the sweep
    # resumes it if its task dies half-way (see tasks.send_alert); sent_at stays.
    alert.state = "sending"
    db.session.flush()
    audit.record(user, "alert.resend" if resend else "alert.send", alert)
    _start_sending(alert.id)
    return alert


def _start_sending(alert_id: int) -> None:
    from server.broadcast import tasks
    from server.celery_app import enqueue_after_commit

    enqueue_after_commit(tasks.send_alert, alert_id)


def cancel(user: User, alert_id: int) -> Alert:
    """Cancel an alert. Once sent, a CAP Cancel referencing it goes to the same devices."""
    original = get_alert(user, alert_id)
    if original.state == "cancelled":
        raise Conflict(_l("This alert was cancelled already."))
    was_sent = original.sent_at is not None
    original.state, original.cancelled_at = "cancelled", utcnow()
    audit.record(user, "alert.cancel", original)
    if not was_sent:
        db.session.flush()
        return original
    now = utcnow()
    notice = Alert(identifier=str(uuid.uuid4()), embassy_id=original.embassy_id,
                   sender=original.sender, status=original.status, msg_type="Cancel",
                   references_id=original.thread_id, category=original.category,
                   event=original.event, urgency=original.urgency, severity=original.severity,
                   certainty=original.certainty, effective=now,
                   expires=max(original.expires, now + timedelta(hours=1)), state="sending",
                   drafted_by_id=user.id, approved_by_id=user.id, approved_at=now)
    notice.texts = [_cancel_text(text) for text in original.texts]
    db.session.add(notice)
    db.session.flush()
    audience.materialize_cancel(notice, original)
    # Whatever was not pushed yet is not pushed any more.
    db.session.execute(update(Delivery).where(Delivery.alert_id == original.id,
                                              Delivery.state == "pending")
                       .values(state="failed", next_attempt_at=None))
    audit.record(user, "alert.cancel_notice", notice, references=original.id)
    _start_sending(notice.id)
    return notice


def _cancel_text(text: MessageText) -> MessageText:
    with force_locale(text.language):
        return MessageText(language=text.language,
                         headline=gettext("Cancelled: %(headline)s", headline=text.headline)[:160],
                         description=gettext("This alert has been cancelled."),
                         instruction=None, web=text.web)
