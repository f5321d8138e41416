"""CAP Update of a sent alert: a new draft referencing it, under the same approval and scope
rules, that replaces the original's notification (same tag) and names it in CAP."""
from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from tests.alerts.helpers import alert_body, create_and_send
from tests.fixtures.push import here

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def update_body(original_id, **fields):
    return alert_body(msg_type="Update", references=original_id, **fields)


def test_a_severe_update_needs_a_second_person_and_replaces_the_original(
        create_mission, auth, create_traveler, receiver, client):
    create_mission("fr-paris", "FR", ["FR"])
    drafter, _ = auth.staff("officer", "fr-paris")
    colleague, _ = auth.staff("officer", "fr-paris")
    _, [(_, name)] = create_traveler(here("FR"))
    original = create_and_send(drafter, alert_body(severity="Moderate"))

    body = update_body(original["id"], severity="Severe", texts=[
        {"language": "en", "headline": "Curfew from 20:00", "description": "Stay indoors."}])
    created = drafter.post("/api/staff/alerts", json=body)
    assert created.status_code == 201, created.json
    update = created.json
    assert (update["msg_type"], update["references"], update["state"]) == (
        "Update", original["id"], "draft")
    assert drafter.post(f"/api/staff/alerts/{update['id']}/send").status_code == 409
    assert drafter.post(f"/api/staff/alerts/{update['id']}/approve").status_code == 403
    assert colleague.post(f"/api/staff/alerts/{update['id']}/approve").status_code == 200
    assert drafter.post(f"/api/staff/alerts/{update['id']}/send").status_code == 202

    first, second = receiver.received(name)
    assert second.json["kind"] == "update" and second.json["headline"] == "Curfew from 20:00"
    assert second.json["tag"] == first.json["tag"] == f"alert-{original['id']}"
    root = ET.fromstring(client.get(f"/api/alerts/{update['id']}.cap").data)  # noqa: S314
    assert root.findtext(f"{CAP}msgType") == "Update"
    assert original["identifier"] in root.findtext(f"{CAP}references")


def test_an_update_of_an_update_stays_in_the_first_alerts_thread(auth):
    staff, _ = auth.staff("admin")
    original = create_and_send(staff, alert_body())
    update = create_and_send(staff, update_body(original["id"]))
    again = staff.post("/api/staff/alerts", json=update_body(update["id"]))
    assert again.status_code == 201 and again.json["references"] == original["id"]


def test_msg_type_and_references_cannot_be_changed_on_a_draft(auth):
    staff, _ = auth.staff("admin")
    original = create_and_send(staff, alert_body())
    draft = staff.post("/api/staff/alerts", json=alert_body()).json
    changed = staff.patch(f"/api/staff/alerts/{draft['id']}",
                          json={"msg_type": "Update", "references": original["id"]})
    assert changed.status_code == 200
    assert (changed.json["msg_type"], changed.json["references"]) == ("Alert", None)


@pytest.mark.parametrize("which", ["missing", "unknown", "draft", "cancelled", "other-mission"])
def test_only_a_sent_alert_of_my_mission_can_be_updated(create_mission, auth, which):
    create_mission("fr-paris", "FR", ["FR"])
    create_mission("de-berlin", "DE", ["DE"])
    officer, _ = auth.staff("officer", "fr-paris")
    elsewhere, _ = auth.staff("officer", "de-berlin")
    if which == "missing":
        target = None
    elif which == "unknown":
        target = 999_999
    elif which == "draft":
        target = officer.post("/api/staff/alerts", json=alert_body()).json["id"]
    elif which == "cancelled":
        target = create_and_send(officer, alert_body())["id"]
        officer.post(f"/api/staff/alerts/{target}/cancel")
    else:
        target = create_and_send(elsewhere, alert_body({"kind": "country", "code": "DE"}))["id"]
    response = officer.post("/api/staff/alerts", json=update_body(target))
    assert response.status_code == 422, response.json
    assert "references" in response.json["errors"]["json"]


def test_an_update_is_held_to_the_jurisdiction_and_roles(create_mission, auth):
    create_mission("fr-paris", "FR", ["FR"])
    officer, _ = auth.staff("officer", "fr-paris")
    viewer, _ = auth.staff("viewer", "fr-paris")
    original = create_and_send(officer, alert_body())
    outside = officer.post("/api/staff/alerts", json=update_body(
        original["id"], areas=[{"kind": "country", "code": "DE"}]))
    assert outside.status_code == 403 and "areas" in outside.json["errors"]["json"]
    assert viewer.post("/api/staff/alerts", json=update_body(original["id"])).status_code == 403


def test_a_draft_saved_again_with_the_same_languages_keeps_one_text_each(auth):
    staff, _ = auth.staff("admin")
    draft = staff.post("/api/staff/alerts", json=alert_body()).json
    texts = [{**text, "headline": text["headline"] + "!"} for text in draft["texts"]]
    saved = staff.patch(f"/api/staff/alerts/{draft['id']}", json={"texts": texts})
    assert saved.status_code == 200, saved.json
    assert [t["headline"] for t in saved.json["texts"]] == ["Stay indoors!", "请待在室内!"]
