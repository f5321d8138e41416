"""Texts from phones and delivery reports, through Kannel's callbacks (and `flask sms`): a
reply in any language answers the latest open roll call, SOS opens a case, anything else is
kept for staff with a help text back; unknown numbers are never matched."""
from __future__ import annotations

from sqlalchemy import func, select

from server.db import db
from server.rollcall.models import RollCallAnswer
from server.sms import texts
from server.sms.models import SmsInbox, SmsMessage
from server.sos.models import SosCase
from tests.rollcall.helpers import recipients, start

PHONE = "+33612345678"


def _inbox(mo_id) -> SmsInbox:
    db.session.expire_all()
    return db.session.scalar(select(SmsInbox).where(SmsInbox.mo_id == mo_id))


def test_callbacks_need_the_shared_secret(kannel):
    assert kannel.mo(PHONE, "1", secret="").status_code == 403
    assert kannel.mo(PHONE, "1", secret="wrong").status_code == 403
    assert kannel.dlr(1, 1, secret="wrong").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(SmsInbox)) == 0


def test_a_reply_1_answers_the_latest_open_roll_call_once(auth, phone_traveler, kannel, outbox):
    staff, _ = auth.staff("officer", "fr-paris")
    user = phone_traveler(PHONE)
    rollcall = start(staff)
    assert kannel.mo("0033612345678", " １ ", mo_id="k-1").status_code == 200  # full width
    assert kannel.mo("0033612345678", " １ ", mo_id="k-1").status_code == 200  # replayed
    assert recipients(rollcall["id"])[user.id].answer == "safe"
    assert db.session.scalar(select(func.count()).select_from(RollCallAnswer)) == 1
    row = _inbox("k-1")
    assert (row.handled_as, row.user_id, row.rollcall_id) == ("safe", user.id, rollcall["id"])
    # The roll call itself went out by SMS; an answer gets no help text.
    assert len(outbox.messages()) == 1


def test_help_in_chinese_records_help_and_opens_the_sos_case(auth, phone_traveler, kannel):
    staff, _ = auth.staff("officer", "fr-paris")
    user = phone_traveler(PHONE, language="zh_Hans")
    rollcall = start(staff)
    assert kannel.mo(PHONE, "帮助！", mo_id="k-2").status_code == 200
    assert recipients(rollcall["id"])[user.id].answer == "help"
    case = db.session.scalar(select(SosCase).where(SosCase.user_id == user.id))
    assert case is not None and _inbox("k-2").sos_case_id == case.id


def test_arabic_and_traditional_chinese_forms_are_understood(auth, phone_traveler, kannel):
    staff, _ = auth.staff("officer", "fr-paris")
    first, second = phone_traveler(PHONE), phone_traveler("+33698765432")
    rollcall = start(staff)
    kannel.mo(PHONE, "آمن", mo_id="k-3")
    kannel.mo("+33698765432", "幫助", mo_id="k-4")
    answers = recipients(rollcall["id"])
    assert (answers[first.id].answer, answers[second.id].answer) == ("safe", "help")
    assert kannel.mo(PHONE, "٢", mo_id="k-5").status_code == 200  # Arabic-Indic two
    assert recipients(rollcall["id"])[first.id].answer == "help"


def test_sos_by_sms_opens_one_case_routed_as_from_the_app(phone_traveler, kannel, create_mission):
    mission = create_mission("fr-paris", "FR", ("FR",))
    user = phone_traveler(PHONE)
    for _ in range(2):
        assert kannel.mo(PHONE, "sos", mo_id="k-6").status_code == 200
    cases = db.session.scalars(select(SosCase).where(SosCase.user_id == user.id)).all()
    assert len(cases) == 1
    assert (cases[0].embassy_id, cases[0].routed_by) == (mission.id, "trip")
    assert cases[0].message == "SMS: sos"


def test_anything_else_is_kept_for_staff_and_answered_with_help(phone_traveler, kannel, outbox,
                                                               auth):
    officer, _ = auth.staff("officer", "fr-paris")  # the mission of the traveler's trip
    user = phone_traveler(PHONE, language="ar")
    assert kannel.mo(PHONE, "Where is the embassy?\x07", mo_id="k-7").status_code == 200
    row = _inbox("k-7")
    assert (row.handled_as, row.text) == ("other", "Where is the embassy?")
    sent = outbox.messages()
    assert [m["to"] for m in sent] == [PHONE]
    assert "SOS" in sent[0]["text"] and sent[0]["encoding"] == "ucs2"  # in Arabic
    kannel.mo(PHONE, "hello?", mo_id="k-8")
    assert len(outbox.messages()) == 1  # one help text per number per 10 minutes
    listed = officer.get("/api/staff/sms/inbox").json
    assert [r["text"] for r in listed] == ["hello?", "Where is the embassy?"]
    assert listed[0]["user_id"] == user.id
    other, _ = auth.staff("officer", "de-berlin")
    assert other.get("/api/staff/sms/inbox").json == []


def test_an_unproven_or_unknown_number_is_stored_never_matched(auth, phone_traveler, kannel):
    staff, _ = auth.staff("officer", "fr-paris")
    user = phone_traveler(PHONE, verified=False)
    rollcall = start(staff)
    kannel.mo(PHONE, "1", mo_id="k-9")
    kannel.mo("+447700900123", "1", mo_id="k-10")
    assert recipients(rollcall["id"])[user.id].answer is None
    assert [(_inbox(i).handled_as, _inbox(i).user_id) for i in ("k-9", "k-10")] == [
        ("unknown", None), ("unknown", None)]
    assert staff.get("/api/staff/sms/inbox").json == []  # no mission: admins only
    admin, _ = auth.staff("admin")
    assert {r["sender"] for r in admin.get("/api/staff/sms/inbox").json} == {
        PHONE, "+447700900123"}


def test_a_text_too_long_or_missing_fields_is_a_clear_4xx(kannel):
    long = kannel.mo(PHONE, "x" * 1000, mo_id="k-11")
    assert long.status_code == 422 and "text" in long.json["errors"]["query"]
    missing = kannel.mo("", "1", mo_id="k-12")
    assert missing.status_code == 422 and "from" in missing.json["errors"]["query"]
    assert db.session.scalar(select(func.count()).select_from(SmsInbox)) == 0


def test_a_reply_in_ucs2_bytes_is_read_in_its_charset(phone_traveler, client, app):
    phone_traveler(PHONE)
    raw = "平安".encode("utf-16-be")
    quoted = "".join(f"%{b:02X}" for b in raw)
    secret = app.config["SMS_CALLBACK_SECRET"]
    response = client.get(f"/api/sms/mo?secret={secret}&id=k-13&from=%2B33612345678"
                          f"&text={quoted}&coding=2&charset=UTF-16BE")
    assert response.status_code == 200
    assert _inbox("k-13").text == "平安"


def test_delivery_reports_move_the_sms_and_keep_the_operator_code(phone_traveler, kannel, app,
                                                                  outbox):
    from server.sms import services

    user = phone_traveler(PHONE)
    rows = [services.queue(PHONE, f"Test {i}", "test", user_id=user.id) for i in range(3)]
    db.session.commit()
    ids = [r.id for r in rows]
    assert [m["id"] for m in outbox.messages()] == ids
    kannel.dlr(ids[0], 8, "ACK/")
    kannel.dlr(ids[0], 1, "id:1 sub:001 dlvrd:001 stat:DELIVRD err:000")
    kannel.dlr(ids[0], 8, "ACK/")  # late: a final state stays
    kannel.dlr(ids[1], 2, "id:2 sub:001 dlvrd:000 stat:UNDELIV err:034")
    kannel.dlr(ids[2], 2, "id:3 sub:001 dlvrd:000 stat:EXPIRED err:000")
    db.session.expire_all()
    got = [db.session.get(SmsMessage, i) for i in ids]
    assert [(m.state, m.dlr_code) for m in got] == [
        ("delivered", "DELIVRD err:000"), ("failed", "UNDELIV err:034"),
        ("expired", "EXPIRED err:000")]
    assert got[0].gateway_id == "smsc-7" and kannel.dlr(999999, 1).status_code == 404


def test_the_command_line_gives_the_same_flows(app, auth, phone_traveler, outbox):
    staff, _ = auth.staff("officer", "fr-paris")
    user = phone_traveler(PHONE)
    rollcall = start(staff)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sms", "reply", "+33 6 12 34 56 78", "OK"])
    assert result.exit_code == 0, result.output
    assert "safe" in result.output
    assert recipients(rollcall["id"])[user.id].answer == "safe"
    runner.invoke(args=["sms", "reply", PHONE, "what?"])
    listed = runner.invoke(args=["sms", "list"])
    assert PHONE in listed.output and "SOS" in listed.output
    sms_id = outbox.messages()[-1]["id"]
    assert "delivered" in runner.invoke(args=["sms", "dlr", str(sms_id), "delivered"]).output


def test_the_roll_call_text_keeps_its_instruction_within_the_limit(app):
    from server.sms.encoding import measure

    with app.test_request_context():
        short = texts.rollcall("Earthquake near Lyon.", "en")
        long = texts.rollcall("Séisme près de Lyon. " * 40, "zh_Hans", "https://c.example/r/1")
    assert short == "Earthquake near Lyon.\nReply 1 if you are safe, 2 if you need help."
    assert long.endswith("… https://c.example/r/1\n平安请回复1，需要帮助请回复2。")
    assert measure(long).segments == app.config["SMS_MAX_SEGMENTS"]
