"""Staff: reminders only to those who have not answered, closing, the dashboard figures, the
call-centre export (scope, rows, columns, audit) and the evacuation list."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from server.audit.models import AuditEvent
from server.broadcast.models import Delivery
from server.db import db
from server.rollcall.exports import CALL_CENTRE_COLUMNS
from server.rollcall.models import RollCallMessage
from tests.fixtures.push import here
from tests.rollcall.helpers import answer_body, start

LILLE = (50.63, 3.06)
TOURNAI_BE = (50.6056, 3.3878)  # 24 km from Lille, in Belgium


def _csv(response):
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _audited(action, rollcall_id):
    return db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.target_id == str(rollcall_id)))


def test_reminders_go_only_to_those_who_have_not_answered(auth, traveler, receiver):
    staff, _ = auth.staff("officer", "fr-paris")
    answered, [(_, answered_phone)] = traveler("FR")
    _, [(_, silent_phone)] = traveler("FR")
    rollcall = start(staff)
    url = f"/api/staff/rollcalls/{rollcall['id']}/remind"
    auth.traveler(answered).post(f"/api/rollcalls/{rollcall['id']}/answer", json=answer_body())

    too_soon = staff.post(url, json={})
    assert too_soon.status_code == 409
    reminded = staff.post(url, json={"min_minutes": 0})
    assert reminded.status_code == 202 and reminded.json["reminders"] == 1

    assert len(receiver.received(answered_phone)) == 1
    pushes = receiver.received(silent_phone)
    assert len(pushes) == 2 and pushes[1].json["reminder"] is True
    assert pushes[1].json["tag"] == pushes[0].json["tag"] == f"rollcall-{rollcall['id']}"
    assert _audited("rollcall.remind", rollcall["id"]) is not None
    pushed = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json["pushes"]
    assert (pushed["total"], pushed["sent"]) == (3, 3)


def test_closing_stops_pending_pushes_and_is_for_officers(auth, traveler, monkeypatch):
    from server.rollcall import services, tasks

    staff, _ = auth.staff("officer", "fr-paris")
    viewer, _ = auth.staff("viewer", "fr-paris")
    traveler("FR")
    monkeypatch.setattr(services, "_push", lambda alert_id: None)
    monkeypatch.setattr(tasks, "enqueue_pending", lambda alert_id: 0)
    rollcall = start(staff)
    alert = db.session.get(RollCallMessage, rollcall["alert_id"])
    tasks.send(alert.id)  # recipients and deliveries made; the fan-out has not run yet
    assert db.session.scalar(select(Delivery.state).where(Delivery.alert_id == alert.id)) == (
        "pending")
    assert viewer.post(f"/api/staff/rollcalls/{rollcall['id']}/close").status_code == 403
    closed = staff.post(f"/api/staff/rollcalls/{rollcall['id']}/close")
    assert closed.status_code == 200 and closed.json["state"] == "closed"
    db.session.expire_all()
    assert db.session.scalar(select(Delivery.state).where(Delivery.alert_id == alert.id)) == (
        "failed")
    assert staff.post(f"/api/staff/rollcalls/{rollcall['id']}/close").status_code == 409
    assert staff.post(f"/api/staff/rollcalls/{rollcall['id']}/remind",
                      json={"min_minutes": 0}).status_code == 409
    assert _audited("rollcall.close", rollcall["id"]) is not None


def test_the_dashboard_counts_by_city_with_points_series_and_evacuation(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    paris_safe, _ = traveler("FR", "Paris")
    paris_help, _ = traveler("FR", "Paris")
    traveler("FR", "Paris")
    lyon_evac, _ = traveler("FR", "Lyon")
    traveler("FR")  # no city given
    rollcall = start(staff)
    answer = f"/api/rollcalls/{rollcall['id']}/answer"
    auth.traveler(paris_safe).post(answer, json=answer_body("safe", lat=48.85, lon=2.35))
    auth.traveler(paris_help).post(answer, json=answer_body("help"))
    auth.traveler(lyon_evac).post(answer, json=answer_body("safe", party_size=5,
                                                           wants_evacuation=True))
    board = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json
    assert board["totals"] == {"recipients": 5, "safe": 2, "help": 1, "no_answer": 2, "late": 0}
    by_city = {(c["country"], c["city"]): (c["recipients"], c["safe"], c["help"], c["no_answer"])
               for c in board["by_city"]}
    assert by_city == {("FR", "Paris"): (3, 1, 1, 1), ("FR", "Lyon"): (1, 1, 0, 0),
                       ("FR", None): (1, 0, 0, 1)}
    assert board["points"] == [{"lat": 48.85, "lon": 2.35, "answer": "safe"}]
    assert sum(m["safe"] + m["help"] for m in board["series"]) == 3
    assert board["evacuation"] == {"people": 1, "party": 5}
    assert board["rollcall"]["texts"][0]["question"]
    evacuation = staff.get(f"/api/staff/rollcalls/{rollcall['id']}/evacuation").json
    assert evacuation["by_city"] == [{"country": "FR", "city": "Lyon", "people": 1, "party": 5}]
    rows = _csv(staff.get(f"/api/staff/rollcalls/{rollcall['id']}/evacuation.csv"))
    assert rows == [["country", "city", "people", "party"], ["FR", "Lyon", "1", "5"]]
    assert _audited("rollcall.evacuation_export", rollcall["id"]) is not None


def test_the_call_centre_export_is_scoped_and_lists_who_to_call(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    admin, _ = auth.staff("admin")
    other_mission, _ = auth.staff("officer", "de-berlin")
    near_lille = {"kind": "circle", "lat": LILLE[0], "lon": LILLE[1], "radius_km": 40}
    silent, _ = traveler(leg=here("FR", lat=50.64, lon=3.07), city="Lille", devices=0)
    needs_help, _ = traveler(leg=here("FR", lat=50.62, lon=3.05), city="Lille")
    safe, _ = traveler(leg=here("FR", lat=50.61, lon=3.04), city="Lille")
    belgian, _ = traveler(leg=here("BE", lat=TOURNAI_BE[0], lon=TOURNAI_BE[1]), city="Tournai")
    silent.name, needs_help.name = "=HYPERLINK(\"x\")", "Zhang Min"
    db.session.flush()
    rollcall = start(staff, near_lille)
    url = f"/api/staff/rollcalls/{rollcall['id']}"
    answer = f"/api/rollcalls/{rollcall['id']}/answer"
    auth.traveler(needs_help).post(answer, json=answer_body("help", party_size=2, lat=50.621,
                                                            lon=3.051, accuracy=12))
    auth.traveler(safe).post(answer, json=answer_body("safe"))

    assert other_mission.get(url).status_code == 404
    assert other_mission.get(url + "/export.csv").status_code == 404
    assert other_mission.post(url + "/close").status_code == 404

    rows = _csv(staff.get(url + "/export.csv"))
    assert tuple(rows[0]) == CALL_CENTRE_COLUMNS
    by_email = {row[3]: dict(zip(CALL_CENTRE_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_email) == {silent.email, needs_help.email}  # not the safe one, not Belgium
    help_row = by_email[needs_help.email]
    assert (help_row["status"], help_row["name"], help_row["phone"]) == (
        "help", "Zhang Min", "+8613800138000")
    assert (help_row["party_size"], help_row["country"], help_row["city"]) == ("2", "FR", "Lille")
    assert (help_row["last_lat"], help_row["last_lon"], help_row["last_position_source"]) == (
        "50.621", "3.051", "answer")
    assert help_row["emergency_contact_phone"] == "+8613900139000"
    assert help_row["stay_from"] and help_row["stay_to"]
    silent_row = by_email[silent.email]
    assert silent_row["status"] == "no_answer" and silent_row["name"].startswith("'=")
    assert (silent_row["last_lat"], silent_row["last_position_source"]) == ("50.64", "trip")
    event = _audited("rollcall.export", rollcall["id"])
    assert event is not None and event.details["rows"] == 2

    everyone = _csv(admin.get(url + "/export.csv"))
    assert belgian.email in {row[3] for row in everyone[1:]}
    assert len(everyone) == 4


def test_the_pre_written_question_comes_in_every_language(auth):
    staff, _ = auth.staff("officer", "fr-paris")
    texts = {t["language"]: t["question"] for t in staff.get("/api/staff/rollcalls/question").json}
    assert set(texts) == {"en", "zh_Hans", "zh_Hant", "ar"}
    assert texts["en"].startswith("Are you safe?")
    assert len(set(texts.values())) == 4  # each in its own language
