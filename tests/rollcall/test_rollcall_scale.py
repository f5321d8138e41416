"""10,000 travelers in the area (bulk-inserted with SQL), answers spread over them: the
dashboard figures add up (safe + help + no answer = recipients; cities sum to the totals)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import Integer, cast, func, insert, literal, select, update

from server.accounts.models import User
from server.db import UTCDateTime, db, utcnow
from server.rollcall.models import RollCallAnswer, RollCallRecipient
from server.trips.models import Leg, Trip
from tests.fixtures.push import TODAY
from tests.rollcall.helpers import answer_body, start

TRAVELERS = 10_000
CITIES = ("Paris", "Lyon", "Marseille", "Nice", "Lille", "Bordeaux", "Toulouse", "Nantes",
          "Strasbourg", None)
R = RollCallRecipient


def _bulk_travelers(prefix: str) -> None:
    """Users, one trip and one stay each in France, made set-based (no devices: the call centre
    phones those, and they are recipients all the same)."""
    now = utcnow()
    db.session.execute(insert(User), [
        {"email": f"{prefix}-{i}@example.org", "password_hash": "x", "name": f"Traveler {i}",
         "phone": "+8613800138000", "language": ("en", "zh_Hans", "ar")[i % 3],
         "role": "traveler", "location_consent": False, "session_token": uuid.uuid4().hex[:16],
         "created_at": now, "updated_at": now}
        for i in range(TRAVELERS)])
    mine = User.email.like(f"{prefix}-%")
    start, end = TODAY - timedelta(days=3), TODAY + timedelta(days=10)
    db.session.execute(insert(Trip).from_select(
        ["user_id", "purpose", "emergency_contact_name", "emergency_contact_phone",
         "start_date", "end_date", "version", "created_at", "updated_at"],
        select(User.id, literal("tourism"),
               # typed, so they are encrypted like the ORM's (server/crypto.py)
               literal("Home", Trip.emergency_contact_name.type),
               literal("+8613900139000", Trip.emergency_contact_phone.type),
               literal(start), literal(end), literal(1), literal(now, UTCDateTime()),
               literal(now, UTCDateTime())).where(mine)))
    db.session.execute(insert(Leg).from_select(
        ["trip_id", "user_id", "country", "city", "start_date", "end_date"],
        select(Trip.id, Trip.user_id, literal("FR"), literal(None), Trip.start_date,
               Trip.end_date).join(User, User.id == Trip.user_id).where(mine)))
    for index, name in enumerate(CITIES):
        if name:
            db.session.execute(update(Leg).where(
                Leg.user_id.in_(select(User.id).where(mine)),
                Leg.user_id % len(CITIES) == index).values(city=name))


def _bulk_answers(rollcall_id: int, skip_user: int) -> None:
    """Answer for most recipients as the service would leave them (rows + latest on the
    recipient): by user id, 5 in 10 safe, 1 help, 1 safe wanting evacuation, 3 silent."""
    now = utcnow()
    bucket = R.user_id % 10
    kinds = {"safe": bucket.in_([0, 1, 2, 3, 4]), "help": bucket == 5, "evac": bucket == 6}
    for kind, bucket_condition in kinds.items():
        condition = bucket_condition & (R.user_id != skip_user)
        answer = "help" if kind == "help" else "safe"
        party = cast(R.user_id % 4 + 1, Integer)
        rows = select(R.rollcall_id, R.user_id, literal(answer), party, literal(kind == "evac"),
                      literal(now, UTCDateTime()), literal(now, UTCDateTime()), literal(False),
                      func.lower(func.hex(func.randomblob(16)))
                      if db.session.get_bind().dialect.name == "sqlite"
                      else func.md5(func.random().cast(db.String) + R.user_id.cast(db.String))
                      ).where(R.rollcall_id == rollcall_id, condition)
        db.session.execute(insert(RollCallAnswer).from_select(
            ["rollcall_id", "user_id", "answer", "party_size", "wants_evacuation", "answered_at",
             "received_at", "late", "client_uuid"], rows))
        db.session.execute(update(R).where(R.rollcall_id == rollcall_id, condition).values(
            answer=answer, answered_at=now, party_size=party, wants_evacuation=kind == "evac"))


def test_ten_thousand_travelers_and_the_dashboard_adds_up(auth, traveler, app, monkeypatch):
    # The figures, not the mail: no person channels here (tests/sms and tests/mail send them).
    monkeypatch.setitem(app.config, "BROADCAST_PERSON_CHANNELS", {"rollcall": ()})
    monkeypatch.setitem(app.config, "BROADCAST_NO_PUSH_CHANNELS", ())
    staff, _ = auth.staff("officer", "fr-paris")
    _bulk_travelers(f"scale-{uuid.uuid4().hex[:6]}")
    live, _ = traveler("FR", "Paris")
    rollcall = start(staff)
    _bulk_answers(rollcall["id"], live.id)
    # One traveler through the API, as a phone would: help, then safe.
    url = f"/api/rollcalls/{rollcall['id']}/answer"
    auth.traveler(live).post(url, json=answer_body("help", utcnow() - timedelta(minutes=1)))
    auth.traveler(live).post(url, json=answer_body("safe"))

    board = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json
    totals = board["totals"]
    assert totals["recipients"] == TRAVELERS + 1
    assert totals["safe"] + totals["help"] + totals["no_answer"] == totals["recipients"]
    assert (totals["safe"], totals["help"], totals["no_answer"]) == (6001, 1000, 3000)
    for key in ("recipients", "safe", "help", "no_answer", "late"):
        assert sum(c[key] for c in board["by_city"]) == totals[key], key
    for city in board["by_city"]:
        assert city["safe"] + city["help"] + city["no_answer"] == city["recipients"]
    assert len(board["by_city"]) == len(CITIES)
    assert {c["city"] for c in board["by_city"]} == set(CITIES)
    answers = db.session.scalar(select(func.count()).select_from(RollCallAnswer).where(
        RollCallAnswer.rollcall_id == rollcall["id"]))
    assert sum(m["safe"] + m["help"] for m in board["series"]) == answers == 7002
    evacuation = staff.get(f"/api/staff/rollcalls/{rollcall['id']}/evacuation").json
    assert evacuation["people"] == 1000 == board["evacuation"]["people"]
    assert sum(c["people"] for c in evacuation["by_city"]) == evacuation["people"]
    assert sum(c["party"] for c in evacuation["by_city"]) == evacuation["party"]
    expected_party = db.session.scalar(select(func.sum(R.party_size)).where(
        R.rollcall_id == rollcall["id"], R.wants_evacuation.is_(True)))
    assert evacuation["party"] == expected_party
    export = staff.get(f"/api/staff/rollcalls/{rollcall['id']}/export.csv")
    lines = export.data.decode("utf-8-sig").splitlines()
    assert len(lines) - 1 == totals["help"] + totals["no_answer"]
