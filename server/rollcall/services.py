"""Roll-call rules for staff: start in scope, remind those who have not answered, close.

A roll call is a ``RollCall`` row and its messages (``RollCallMessage``: the question, then
each reminder), which the broadcast pipeline sends like any other (area, text per language,
deliveries, fan-out). Services flush; the request commits, and pushing starts only once it has.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from server.accounts.models import User
from server.audit import services as audit
from server.broadcast import areas as area_rules
from server.broadcast.models import Delivery, MessageText
from server.db import db, utcnow
from server.refusals import Conflict, Forbidden, Invalid
from server.rollcall import recipients
from server.rollcall.models import RollCall, RollCallMessage
from server.staff import scope

# Every roll-call message is Severe: pushed with high urgency, "[Severe]" in an email's subject.
SEVERITY = "Severe"
REMINDER_MIN_TTL = timedelta(hours=1)


def _scoped(user: User):
    """Roll calls of the user's mission; an admin's: all."""
    return select(RollCall).where(scope.mission_filter(user, RollCall.embassy_id))


def list_rollcalls(user: User, state: str | None, limit: int) -> list[RollCall]:
    query = _scoped(user)
    if state:
        query = query.where(RollCall.state == state)
    return list(db.session.scalars(query.order_by(RollCall.id.desc()).limit(limit)))


def get_rollcall(user: User, rollcall_id: int) -> RollCall:
    """A roll call of the user's mission (any, for admins), else NotFound."""
    return scope.one(_scoped(user).where(RollCall.id == rollcall_id))


def _check(user: User, data: dict) -> None:
    errors = area_rules.jurisdiction_problems(user, data["areas"])
    if errors:
        raise Forbidden(_l("You may only ask places in your mission's jurisdiction."),
                        errors={"json": {"areas": errors}})
    now, hours = utcnow(), current_app.config["ROLLCALL_MAX_HOURS"]
    if data["deadline"] <= now:
        raise Invalid(_l("This time has already passed."), field="deadline")
    if data["deadline"] - now > timedelta(hours=hours):
        raise Invalid(_l("A roll call lasts at most {hours} hours.").format(hours=hours),
                      field="deadline")


def preview(user: User, data: dict) -> dict:
    """Who the roll call would ask: the broadcast's area rules, nothing stored."""
    _check(user, data)
    question = RollCallMessage(effective=utcnow(), expires=data["deadline"],
                               areas=[area_rules.build_area(area) for area in data["areas"]])
    return recipients.preview(question)


def _message(user: User, texts: list[dict], areas: list[dict], expires,
             references: RollCallMessage | None = None) -> RollCallMessage:
    """The question (or, ``references`` given, a reminder of it), sending at once."""
    message = RollCallMessage(
        embassy_id=user.embassy_id, msg_type="Update" if references else "Alert",
        references_id=references.thread_id if references else None, severity=SEVERITY,
        effective=utcnow(), expires=expires, state="sending",
        texts=[MessageText(**text) for text in texts],
        areas=[area_rules.build_area(area) for area in areas])
    db.session.add(message)
    db.session.flush()
    return message


def _push(alert_id: int) -> None:
    from server.celery_app import enqueue_after_commit
    from server.rollcall import tasks

    enqueue_after_commit(tasks.send, alert_id)


def start(user: User, data: dict) -> RollCall:
    """Ask everyone in the area now; recipients and pushes are made in the background."""
    _check(user, data)
    texts = [{"language": t["language"], "headline": t["question"][:160],
              "description": t["question"]} for t in data["texts"]]
    question = _message(user, texts, data["areas"], data["deadline"])
    rollcall = RollCall(alert_id=question.id, embassy_id=user.embassy_id, created_by_id=user.id,
                        state="sending", deadline=data["deadline"], last_pushed_at=utcnow(),
                        reminders=0)
    rollcall.message = question
    db.session.add(rollcall)
    db.session.flush()
    audit.record(user, "rollcall.start", rollcall, alert_id=question.id,
                 deadline=data["deadline"].isoformat(), areas=len(data["areas"]))
    _push(question.id)
    return rollcall


def remind(user: User, rollcall_id: int, min_minutes: int | None) -> RollCall:
    """Push the question again to those who have not answered, unless the last push is
    more recent than ``min_minutes`` (default ``ROLLCALL_REMIND_AFTER_MINUTES``)."""
    rollcall = get_rollcall(user, rollcall_id)
    if rollcall.state == "closed":
        raise Conflict(_l("This roll call is closed."))
    wait = timedelta(minutes=current_app.config["ROLLCALL_REMIND_AFTER_MINUTES"]
                     if min_minutes is None else min_minutes)
    now = utcnow()
    if rollcall.last_pushed_at and now - rollcall.last_pushed_at < wait:
        raise Conflict(_l("The last push went out less than {minutes} minutes ago.").format(
            minutes=int(wait.total_seconds() // 60)))
    original = rollcall.message
    texts = [{"language": t.language, "headline": t.headline, "description": t.description}
             for t in original.texts]
    reminder = _message(user, texts, [], max(rollcall.deadline, now + REMINDER_MIN_TTL),
                        references=original)
    rollcall.last_pushed_at, rollcall.reminders = now, rollcall.reminders + 1
    db.session.flush()
    audit.record(user, "rollcall.remind", rollcall, alert_id=reminder.id)
    _push(reminder.id)
    return rollcall


def close(user: User, rollcall_id: int) -> RollCall:
    """Stop asking: pushes not sent yet are dropped; later answers are kept, marked late."""
    rollcall = get_rollcall(user, rollcall_id)
    if rollcall.state == "closed":
        raise Conflict(_l("This roll call is closed."))
    rollcall.state, rollcall.closed_at, rollcall.closed_by_id = "closed", utcnow(), user.id
    db.session.execute(
        update(Delivery).where(Delivery.alert_id.in_(thread_message_ids(rollcall)),
                               Delivery.state == "pending")
        .values(state="failed", next_attempt_at=None))
    db.session.flush()
    audit.record(user, "rollcall.close", rollcall)
    return rollcall


def thread_message_ids(rollcall: RollCall):
    """SQL: the ids of the question's message and of its reminders."""
    return select(RollCallMessage.id).where(or_(RollCallMessage.id == rollcall.alert_id,
                                                RollCallMessage.references_id == rollcall.alert_id))


# The pre-written question staff start from (and may edit), in every configured language.
QUESTION = _l("Are you safe? Please answer: “I am safe” or “I need help”.")


def question_template() -> list[dict]:
    texts = []
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            texts.append({"language": language, "question": str(QUESTION)})
    return texts
