"""Answers: recipients only, idempotent per client_uuid, the latest answered_at wins with the
history kept, "help" opens exactly one SOS case, late answers are kept and marked late."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.db import db, utcnow
from server.rollcall.models import RollCallAnswer
from server.sos.models import SosCase
from tests.rollcall.helpers import answer_body, recipients, start


def _answers(rollcall_id):
    return db.session.scalar(select(func.count()).select_from(RollCallAnswer).where(
        RollCallAnswer.rollcall_id == rollcall_id))


def test_the_latest_answer_wins_and_every_answer_is_kept(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR", "Paris")
    rollcall = start(staff)
    phone = auth.traveler(user)
    url = f"/api/rollcalls/{rollcall['id']}/answer"
    now = utcnow()

    first = phone.post(url, json=answer_body("safe", now - timedelta(minutes=10), party_size=3,
                                             lat=48.85, lon=2.35, accuracy=30))
    assert first.status_code == 201, first.json
    assert first.json["answer"]["answer"] == "safe" and first.json["recorded"] is True
    # An older answer replayed late from an offline queue does not overwrite a newer one.
    older = phone.post(url, json=answer_body("help", now - timedelta(minutes=20)))
    assert older.status_code == 201
    assert older.json["answer"]["answer"] == "safe"
    newer = phone.post(url, json=answer_body("safe", now, wants_evacuation=True, party_size=2))
    assert newer.json["answer"] == {
        "answer": "safe", "answered_at": newer.json["answer"]["answered_at"], "party_size": 2,
        "wants_evacuation": True, "late": False}
    row = recipients(rollcall["id"])[user.id]
    assert (row.answer, row.party_size, row.wants_evacuation) == ("safe", 2, True)
    assert (row.lat, row.lon) == (48.85, 2.35)  # the last position sent is kept
    assert _answers(rollcall["id"]) == 3


def test_a_replayed_answer_is_stored_once(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    rollcall = start(staff)
    phone = auth.traveler(user)
    body = answer_body("safe")
    url = f"/api/rollcalls/{rollcall['id']}/answer"
    assert phone.post(url, json=body).status_code == 201
    replay = phone.post(url, json=body)
    assert replay.status_code == 200 and replay.json["recorded"] is False
    assert _answers(rollcall["id"]) == 1


def test_only_recipients_may_answer_or_see_a_roll_call(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    asked, _ = traveler("FR")
    elsewhere, _ = traveler("DE")
    rollcall = start(staff)
    stranger = auth.traveler(elsewhere)
    url = f"/api/rollcalls/{rollcall['id']}"
    assert stranger.post(url + "/answer", json=answer_body()).status_code == 404
    assert stranger.get(url).status_code == 404
    assert stranger.get("/api/rollcalls").json == []
    assert auth.traveler(asked).post("/api/rollcalls/999999/answer",
                                     json=answer_body()).status_code == 404
    # Someone else's client_uuid is a client bug, not a replay.
    body = answer_body()
    assert auth.traveler(asked).post(url + "/answer", json=body).status_code == 201
    other, _ = traveler("FR")
    start_again = start(staff)
    clash = auth.traveler(other).post(f"/api/rollcalls/{start_again['id']}/answer", json=body)
    assert clash.status_code == 409


def test_answers_are_validated(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    rollcall = start(staff)
    url = f"/api/rollcalls/{rollcall['id']}/answer"
    phone = auth.traveler(user)
    for bad, field in ((answer_body("maybe"), "answer"), (answer_body(party_size=51), "party_size"),
                       (answer_body(lat=48.8), "lon"),
                       (answer_body(at=utcnow() + timedelta(days=2)), "answered_at")):
        response = phone.post(url, json=bad)
        assert response.status_code == 422 and field in response.json["errors"]["json"], bad


def test_help_opens_one_sos_case_routed_as_usual_even_on_replays(auth, traveler):
    staff, officer = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR", "Paris")
    rollcall = start(staff)
    phone = auth.traveler(user)
    url = f"/api/rollcalls/{rollcall['id']}/answer"
    body = answer_body("help", party_size=4, wants_evacuation=True, lat=48.86, lon=2.34)
    first = phone.post(url, json=body)
    replay = phone.post(url, json=body)
    assert first.status_code == 201 and replay.status_code == 200
    assert first.json["sos_case"] == replay.json["sos_case"] is not None
    # A second "help" while the case is open joins it instead of opening another.
    again = phone.post(url, json=answer_body("help"))
    assert again.json["sos_case"] == first.json["sos_case"]
    cases = list(db.session.scalars(select(SosCase).where(SosCase.user_id == user.id)))
    assert len(cases) == 1
    case = cases[0]
    assert case.client_uuid == first.json["sos_case"]
    assert case.embassy_id == officer.embassy_id and case.routed_by == "position"
    assert "party of 4" in case.message and case.trip_id is not None
    queue = staff.get("/api/staff/sos").json
    assert [c["id"] for c in queue] == [case.id]


def test_late_answers_are_accepted_and_marked_late(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR")
    rollcall = start(staff)
    phone = auth.traveler(user)
    assert [r["id"] for r in phone.get("/api/rollcalls").json] == [rollcall["id"]]
    mine = phone.get(f"/api/rollcalls/{rollcall['id']}").json
    assert mine["question"] == "Earthquake in the area. Are you safe?" and mine["answer"] is None
    assert mine["mission"] == "Mission fr-paris"
    assert staff.post(f"/api/staff/rollcalls/{rollcall['id']}/close").status_code == 200
    late = phone.post(f"/api/rollcalls/{rollcall['id']}/answer", json=answer_body("safe"))
    assert late.status_code == 201 and late.json["answer"]["late"] is True
    assert phone.get("/api/rollcalls").json == []  # closed: no prompt any more
    totals = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json["totals"]
    assert totals == {"recipients": 1, "safe": 1, "help": 0, "no_answer": 0, "late": 1}


def test_the_question_comes_in_the_travelers_language(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR", language="zh_Hans")
    rollcall = start(staff)
    phone = auth.traveler(user)
    mine = phone.get(f"/api/rollcalls/{rollcall['id']}",
                     headers={"Accept-Language": "zh-Hans"}).json
    assert mine["language"] == "zh_Hans" and mine["question"] == "该地区发生地震。您安全吗？"
