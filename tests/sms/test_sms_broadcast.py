"""Alerts and roll calls by SMS through the broadcast pipeline: who gets one (the selection
rule), in which language and encoding, once; a refused number fails alone."""
from __future__ import annotations

from sqlalchemy import select, update

from server.accounts.models import User
from server.broadcast.models import Delivery
from server.db import db, utcnow
from server.sending import SendResult
from server.sms import outbox as sms_outbox
from tests.alerts.helpers import alert_body, create_and_send
from tests.rollcall.helpers import recipients, start
from tests.sms.test_sms_replies import PHONE


def _person_rows(alert_id: int) -> dict[int, tuple]:
    db.session.expire_all()
    rows = db.session.execute(select(Delivery.user_id, Delivery.channel, Delivery.state,
                                     Delivery.error).where(Delivery.alert_id == alert_id,
                                                           Delivery.device_id.is_(None)))
    return {r.user_id: (r.channel, r.state, r.error) for r in rows}


def _send_severe(auth) -> dict:
    (staff, _), (approver, _) = auth.staff("admin"), auth.staff("admin")
    return create_and_send(staff, alert_body(severity="Severe"), approver=approver)


def test_a_severe_alert_goes_by_sms_to_verified_numbers_only(auth, phone_traveler, outbox):
    verified = phone_traveler(PHONE)
    unverified = phone_traveler("+33698765432", verified=False)
    alert = _send_severe(auth)
    # An unverified number gets no SMS; with no other channel, its owner is mailed instead.
    assert _person_rows(alert["id"]) == {verified.id: ("sms", "sent", None),
                                         unverified.id: ("email", "sent", None)}
    [message] = outbox.messages()
    assert message["to"] == PHONE and message["text"].startswith("Stay indoors")


def test_a_moderate_alert_is_push_only(auth, phone_traveler, outbox):
    staff, _ = auth.staff("admin")
    phone_traveler(PHONE)
    alert = create_and_send(staff, alert_body(severity="Moderate"))
    assert _person_rows(alert["id"]) == {} and outbox.messages() == []


def test_a_moderate_alert_goes_by_email_too_to_who_asked_for_every_alert(
        auth, phone_traveler, outbox):
    staff, _ = auth.staff("admin")
    asked, not_asked = phone_traveler(PHONE, devices=1), phone_traveler("+33698765432", devices=1)
    db.session.execute(update(User).where(User.id.in_([asked.id, not_asked.id])).values(
        email_verified_at=utcnow()))
    db.session.execute(update(User).where(User.id == asked.id).values(email_all_alerts=True))
    alert = create_and_send(staff, alert_body(severity="Moderate"))
    assert _person_rows(alert["id"]) == {asked.id: ("email", "sent", None)}


def test_materializing_again_adds_no_second_sms(auth, phone_traveler, outbox):
    phone_traveler(PHONE)
    alert = _send_severe(auth)
    from server.alerts.models import Alert
    from server.broadcast import audience

    assert audience.materialize_people(db.session.get(Alert, alert["id"])) == 0
    assert len(_person_rows(alert["id"])) == 1 and len(outbox.messages()) == 1


def test_a_roll_call_in_chinese_goes_by_sms_as_ucs2_with_how_to_answer(
        auth, phone_traveler, outbox, kannel):
    staff, _ = auth.staff("officer", "fr-paris")
    user = phone_traveler(PHONE, language="zh_Hans")
    rollcall = start(staff)
    [message] = outbox.messages()
    assert message["encoding"] == "ucs2" and "该地区发生地震" in message["text"]
    assert _person_rows(rollcall["alert_id"])[user.id][:2] == ("sms", "sent")
    # The reply to the roll call that went out by the pipeline answers it.
    assert kannel.mo(PHONE, "安全", mo_id="b-1").status_code == 200
    assert recipients(rollcall["id"])[user.id].answer == "safe"


def test_a_number_the_gateway_refuses_fails_alone_with_its_reason(
        auth, phone_traveler, outbox, monkeypatch):
    good, bad = phone_traveler(PHONE), phone_traveler("+33698765432")
    real = sms_outbox.gateway

    class Refusing:
        def send(self, messages):
            messages = list(messages)
            refused = [m for m in messages if m.to == "+33698765432"]
            return real().send([m for m in messages if m not in refused]) + [
                SendResult(m.id, 403, "failed", None, "number barred") for m in refused]

    monkeypatch.setattr(sms_outbox, "gateway", Refusing)
    alert = _send_severe(auth)
    rows = _person_rows(alert["id"])
    assert rows[good.id] == ("sms", "sent", None)
    assert rows[bad.id] == ("sms", "failed", "number barred")
    assert [m["to"] for m in outbox.messages()] == [PHONE]


def test_delivery_reports_move_the_broadcast_delivery_and_keep_the_operator_code(
        auth, phone_traveler, outbox, client):
    phone_traveler(PHONE)
    alert = _send_severe(auth)
    [message] = outbox.messages()
    path = message["dlr_url"].split("://", 1)[1].split("/", 1)[1]
    report = "/" + path.replace("%d", "2").replace("%A", "id:1 stat:EXPIRED err:027").replace(
        "%F", "smsc-1")
    assert client.get(report).status_code == 200
    assert client.get(report.replace("status=2", "status=1")).status_code == 200  # final
    [(channel, state, error)] = _person_rows(alert["id"]).values()
    assert (channel, state) == ("sms", "expired") and "err:027" in error


def test_figures_per_channel_and_the_call_list_of_people_not_reached(
        auth, phone_traveler, traveler, outbox, monkeypatch):
    (staff, _), (approver, _) = auth.staff("admin"), auth.staff("admin")
    phone_traveler(PHONE, devices=1)
    barred = phone_traveler("+33698765432")
    nothing, _ = traveler(devices=0)  # no device, no verified number
    created = staff.post("/api/staff/alerts", json=alert_body(severity="Severe")).json
    preview = staff.get(f"/api/staff/alerts/{created['id']}/audience").json
    assert preview["by_channel"] == {"webpush": 1, "sms": 2, "email": 1}
    real = sms_outbox.gateway

    class Refusing:
        def send(self, messages):
            messages = list(messages)
            return real().send([m for m in messages if m.to == PHONE]) + [
                SendResult(m.id, 403, "failed", None, "barred") for m in messages
                if m.to != PHONE]

    monkeypatch.setattr(sms_outbox, "gateway", Refusing)
    assert approver.post(f"/api/staff/alerts/{created['id']}/approve").status_code == 200
    assert staff.post(f"/api/staff/alerts/{created['id']}/send").status_code == 202
    stats = staff.get(f"/api/staff/alerts/{created['id']}/deliveries").json
    assert stats["by_channel"]["sms"] == {"sent": 1, "delivered": 0, "failed": 1}
    assert stats["by_channel"]["webpush"]["sent"] == 1
    # With no device and no verified number, the unverified address is used: reached.
    assert stats["by_channel"]["email"]["sent"] == 1
    listed = staff.get(f"/api/staff/alerts/{created['id']}/unreached").json
    assert {p["user_id"]: p["phone"] for p in listed} == {barred.id: "+33698765432"}
    assert nothing.id not in {p["user_id"] for p in listed}
    db.session.execute(update(User).where(User.id == barred.id).values(name="=HYPERLINK(1)"))
    db.session.commit()
    csv_text = staff.get(f"/api/staff/alerts/{created['id']}/unreached.csv").text
    assert "'=HYPERLINK(1),+33698765432" in csv_text


def test_escalation_texts_only_who_has_not_answered_once_the_wait_is_over(
        auth, phone_traveler, outbox):
    from datetime import timedelta

    from server.rollcall import tasks as rollcall_tasks
    from server.rollcall.models import RollCallMessage
    from tests.rollcall.helpers import answer_body

    staff, _ = auth.staff("officer", "fr-paris")
    silent = phone_traveler(PHONE, devices=1)
    answering = phone_traveler("+33698765432", devices=1)
    without_push = phone_traveler("+33611112222")
    rollcall = start(staff)
    # Push first; who has no push device cannot be asked by push first: texted at once.
    assert [m["to"] for m in outbox.messages()] == ["+33611112222"]
    assert auth.traveler(answering).post(f"/api/rollcalls/{rollcall['id']}/answer",
                                         json=answer_body("safe")).status_code in (200, 201)
    assert rollcall_tasks.escalate() == 0  # not yet
    question = db.session.get(RollCallMessage, rollcall["alert_id"])
    question.sent_at -= timedelta(minutes=16)
    db.session.commit()
    assert rollcall_tasks.escalate() == 1
    assert rollcall_tasks.escalate() == 0  # once
    assert [m["to"] for m in outbox.messages()] == ["+33611112222", PHONE]
    assert _person_rows(rollcall["alert_id"]) == {silent.id: ("sms", "sent", None),
                                                  without_push.id: ("sms", "sent", None)}
