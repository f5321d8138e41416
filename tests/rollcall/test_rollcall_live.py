"""A roll call's progress reaches the mission's consoles live: each delivery batch and each
answer is an event scoped to the mission, carrying ids and states only."""
import json

from server import live
from tests.rollcall.helpers import answer_body, start


def events_after(last_id):
    return [(e["type"], e["embassy_id"], json.loads(e["data"])) for e in live.hub().since(last_id)]


def test_delivery_progress_and_answers_are_published_to_the_mission(auth, traveler):
    staff, _ = auth.staff("officer", "fr-paris")
    user, _ = traveler("FR", "Paris")
    last = max([e["id"] for e in live.hub().since(0)], default=0)
    rollcall = start(staff)
    progress = [e for e in events_after(last) if e[0] == "delivery.progress"]
    assert progress and progress[0][2]["alert"] == rollcall["alert_id"]
    assert progress[0][2].get("sent") == 1
    mission = progress[0][1]
    assert mission is not None

    last = max(e["id"] for e in live.hub().since(0))
    phone = auth.traveler(user)
    assert phone.post(f"/api/rollcalls/{rollcall['id']}/answer",
                      json=answer_body("safe")).status_code == 201
    answers = [e for e in events_after(last) if e[0] == "rollcall.answer"]
    assert answers == [("rollcall.answer", mission,
                        {"rollcall": rollcall["id"], "answer": "safe", "embassy_id": mission})]
    assert "Paris" not in json.dumps(answers)  # no traveler details on the stream
