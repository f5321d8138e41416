"""Retention: old trips deleted, stale positions forgotten, closed SOS cases anonymized and
old audit events purged, as configured; "now" is frozen by passing it in."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from server import retention
from server.accounts.models import User
from server.audit import services as audit
from server.audit.models import AuditEvent
from server.db import db, utcnow
from server.devices.models import Device
from server.rollcall.models import RollCall, RollCallAnswer, RollCallRecipient
from server.sos.models import SosCase, SosNote, SosPosition
from server.trips.models import Companion, Leg, Trip
from tests.rollcall.helpers import answer_body, start

pytestmark = pytest.mark.usefixtures("push_config")  # the roll calls here push
NOW = utcnow().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=400)
TODAY = NOW.date()


def _user() -> User:
    user = User(email=f"r-{uuid.uuid4().hex[:8]}@example.org", password_hash="x", name="Ret",
                phone="+8613800138000", role="traveler", location_consent=True)
    db.session.add(user)
    db.session.flush()
    return user


def _trip(user, end: date | None) -> int:
    start = (end or TODAY) - timedelta(days=10)
    trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="Wang Fang",
                emergency_contact_phone="+8613900139000", start_date=start, end_date=end)
    trip.legs = [Leg(user_id=user.id, country="FR", start_date=start, end_date=end)]
    trip.companions = [Companion(name="Zhou Li", phone="+8613700137000")]
    db.session.add(trip)
    db.session.flush()
    return trip.id


def _device(user, taken_hours_ago: float) -> int:
    device = Device(user_id=user.id, endpoint=f"https://fcm.googleapis.com/x/{uuid.uuid4()}",
                    p256dh="k", auth="a")
    device.place(48.8566, 2.3522, 20, NOW - timedelta(hours=taken_hours_ago), "FR")
    db.session.add(device)
    db.session.flush()
    return device.id


def _case(user, state: str, closed_days_ago: int) -> int:
    closed = NOW - timedelta(days=closed_days_ago)
    case = SosCase(client_uuid=str(uuid.uuid4()), user_id=user.id, user_name=user.name,
                   user_phone=user.phone, user_email=user.email, state=state,
                   message="My passport was stolen", raised_at=closed - timedelta(hours=2),
                   received_at=closed - timedelta(hours=2), routed_by="position",
                   country="FR", lat=48.85, lon=2.35,
                   resolved_at=closed if state == "resolved" else None,
                   cancelled_at=closed if state == "cancelled" else None)
    db.session.add(case)
    db.session.flush()
    db.session.add(SosPosition(case_id=case.id, recorded_at=case.raised_at, lat=48.85, lon=2.35))
    db.session.add(SosNote(case_id=case.id, author_name="Officer", text="Called him back."))
    db.session.flush()
    return case.id


def _exists(model, ident) -> bool:
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(model.id == ident)) == 1


def test_retention_deletes_and_anonymizes_what_is_due(app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_TRIP_DAYS", 90)
    monkeypatch.setitem(app.config, "RETENTION_POSITION_HOURS", 48)
    monkeypatch.setitem(app.config, "RETENTION_SOS_DAYS", 365)
    monkeypatch.setitem(app.config, "RETENTION_AUDIT_DAYS", 730)
    user = _user()
    old_trip = _trip(user, TODAY - timedelta(days=91))
    recent_trip = _trip(user, TODAY - timedelta(days=89))
    resident = _trip(user, None)
    stale, fresh = _device(user, 49), _device(user, 2)
    old_case = _case(user, "resolved", 366)
    old_cancelled = _case(user, "cancelled", 400)
    recent_case = _case(user, "resolved", 300)
    open_case = _case(user, "open", 500)
    old_event_id = db.session.connection().execute(  # written two years before "now"
        AuditEvent.__table__.insert().values(
            actor_id=user.id, actor_label=user.email, action="test.old", details={},
            created_at=NOW - timedelta(days=731)).returning(AuditEvent.id)).scalar_one()
    recent_event_id = audit.record(user, "test.recent").id
    db.session.commit()

    done = retention.apply(now=NOW)
    db.session.expire_all()

    assert not _exists(Trip, old_trip)
    assert _exists(Trip, recent_trip) and _exists(Trip, resident)
    legs = db.session.scalar(select(func.count()).select_from(Leg).where(Leg.trip_id == old_trip))
    companions = db.session.scalar(select(func.count()).select_from(Companion)
                                   .where(Companion.trip_id == old_trip))
    assert legs == companions == 0
    assert db.session.get(Device, stale).lat is None
    assert (db.session.get(Device, stale).fix, db.session.get(Device, stale).position_at) == (
        None, None)
    assert db.session.get(Device, fresh).lat == 48.86  # the cell
    assert db.session.get(Device, fresh).exact == {"lat": 48.8566, "lon": 2.3522, "accuracy": 20}
    for case_id in (old_case, old_cancelled):
        case = db.session.get(SosCase, case_id)
        assert (case.user_id, case.user_name, case.user_phone, case.user_email, case.message,
                case.lat, case.positions, case.notes) == (
            None, retention.ANONYMIZED, None, None, None, None, [], [])
        assert case.country == "FR" and case.embassy_id is None  # statistics stay
    for case_id in (recent_case, open_case):
        case = db.session.get(SosCase, case_id)
        assert case.user_name == "Ret" and case.message and len(case.positions) == 1
    assert not _exists(AuditEvent, old_event_id) and _exists(AuditEvent, recent_event_id)
    assert done == {"sign_in_throttles": 0, "pending_signups": 0, "trips": 1, "positions": 1,
                    "rollcall_positions": 0, "sos_cases": 2, "audit_events": 1}
    assert retention.apply(now=NOW) == {"sign_in_throttles": 0, "pending_signups": 0,
                                        "trips": 0, "positions": 0, "rollcall_positions": 0,
                                        "sos_cases": 0, "audit_events": 0}


def test_none_keeps_forever_and_the_defaults_keep_sos_and_audit(app, monkeypatch):
    assert app.config["RETENTION_SOS_DAYS"] is None and app.config["RETENTION_AUDIT_DAYS"] is None
    monkeypatch.setitem(app.config, "RETENTION_TRIP_DAYS", None)
    user = _user()
    ancient = _trip(user, TODAY - timedelta(days=3000))
    case = _case(user, "resolved", 3000)
    done = retention.apply(now=NOW)
    assert "trips" not in done and "sos_cases" not in done and "audit_events" not in done
    assert _exists(Trip, ancient) and db.session.get(SosCase, case).user_name == "Ret"


def test_the_scheduled_task_runs_it(app):
    celery = app.extensions["celery"]
    assert "retention.apply" in celery.tasks
    schedule = {entry["task"] for entry in celery.conf.beat_schedule.values()}
    assert "retention.apply" in schedule


def test_retention_periods_come_from_the_environment(monkeypatch, tmp_path):
    from server import config

    monkeypatch.setenv("RETENTION_TRIP_DAYS", "30")
    monkeypatch.setenv("RETENTION_SOS_DAYS", "forever")
    monkeypatch.setenv("RETENTION_AUDIT_DAYS", "3650")
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("VAPID_PRIVATE_KEY", "x")
    settings = config.from_environment(str(tmp_path))
    assert settings["RETENTION_TRIP_DAYS"] == 30 and settings["RETENTION_SOS_DAYS"] is None
    assert settings["RETENTION_AUDIT_DAYS"] == 3650 and settings["RETENTION_POSITION_HOURS"] == 48


def test_the_task_commits_and_survives_an_audit_purge_refusal(app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_AUDIT_DAYS", 1)
    user = _user()
    old = _trip(user, date.today() - timedelta(days=200))

    def refused(*_args):
        raise RuntimeError("must be owner of table audit_events")

    monkeypatch.setattr(retention, "old_audit_events", refused)
    done = retention.apply_retention.run()
    assert done["trips"] == 1 and "audit_events" not in done
    assert not _exists(Trip, old)


def _positions(model, rollcall_id: int) -> list:
    return db.session.execute(select(model.answer, model.lat, model.lon, model.accuracy)
                              .where(model.rollcall_id == rollcall_id)).all()


def test_roll_call_answer_positions_go_after_the_roll_call_closed(app, monkeypatch, auth, traveler):
    monkeypatch.setitem(app.config, "RETENTION_POSITION_HOURS", 48)
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    calls = {}
    for name, closed_hours_ago in (("old", 49), ("recent", 47), ("open", None)):
        rollcall = start(staff)["id"]
        answered = auth.traveler(user).post(f"/api/rollcalls/{rollcall}/answer", json=answer_body(
            "safe", lat=48.8566, lon=2.3522, accuracy=5))
        assert answered.status_code == 201, answered.json
        if closed_hours_ago is not None:
            db.session.execute(update(RollCall).where(RollCall.id == rollcall).values(
                state="closed", closed_at=NOW - timedelta(hours=closed_hours_ago)))
        calls[name] = rollcall
    db.session.commit()

    assert retention.apply(now=NOW)["rollcall_positions"] == 1
    db.session.expire_all()
    for model in (RollCallAnswer, RollCallRecipient):
        assert _positions(model, calls["old"]) == [("safe", None, None, None)]  # answer kept
        for kept in ("recent", "open"):
            assert _positions(model, calls[kept]) == [("safe", 48.8566, 2.3522, 5.0)]
    assert retention.apply(now=NOW)["rollcall_positions"] == 0


def test_an_anonymized_case_shows_a_label_in_the_readers_language(app, monkeypatch):
    """The stored name is a neutral marker; staff read a label in their own language."""
    from flask_babel import refresh

    from server.sos.schemas import CaseOut

    monkeypatch.setitem(app.config, "RETENTION_SOS_DAYS", 365)
    case_id = _case(_user(), "resolved", 366)
    db.session.commit()
    retention.apply(now=NOW)
    db.session.expire_all()
    case = db.session.get(SosCase, case_id)
    assert case.user_name == retention.ANONYMIZED  # the marker, not a sentence in one language
    shown = {}
    for lang in ("en", "zh_Hans", "zh_Hant", "ar"):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()  # the test's app context outlives each request: forget the last locale
            shown[lang] = CaseOut(only=("traveler",)).dump(case)["traveler"]["name"]
    assert shown == {"en": "Anonymized traveler", "zh_Hans": "已匿名的旅行者",
                     "zh_Hant": "已匿名的旅客", "ar": "مسافر مُجهَّل الهوية"}
    assert retention.shown_name("Ret") == "Ret"  # a kept name is shown as it is
