"""What the console's delivery view reads: the SMS cost before sending, per language; the
delivery series over time (the chart, the same whenever it is opened); why deliveries failed;
the people no channel reached, with phone and language, for alerts and roll calls."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from server.broadcast import stats
from server.broadcast.models import Delivery
from server.db import db
from server.sending import SendResult
from server.sms import outbox as sms_outbox
from server.sms.encoding import measure
from tests.alerts.helpers import alert_body, create_and_send
from tests.rollcall.helpers import start
from tests.sms.test_sms_replies import PHONE

CHINESE = "地震后请远离建筑物，前往开阔地带，注意余震并听从当地政府指示。" * 3


def test_the_audience_preview_says_how_many_sms_and_segments_per_language(auth, phone_traveler):
    phone_traveler(PHONE)
    phone_traveler("+33698765432", language="zh_Hans")
    phone_traveler("+33698765433", language="zh_Hans")
    staff, _ = auth.staff("admin")
    texts = [{"language": "en", "headline": "Stay indoors", "description": "Protests downtown."},
             {"language": "zh_Hans", "headline": "请待在室内", "description": CHINESE}]
    created = staff.post("/api/staff/alerts",
                         json=alert_body(severity="Severe", texts=texts)).json
    preview = staff.get(f"/api/staff/alerts/{created['id']}/audience").json
    sms = preview["cost"]["sms"]
    assert preview["by_channel"]["sms"] == 3
    english, chinese = sms["languages"]["en"], sms["languages"]["zh_Hans"]
    assert (english["encoding"], english["segments"], english["messages"]) == ("gsm", 1, 1)
    assert chinese["encoding"] == "ucs2" and chinese["messages"] == 2
    assert chinese["segments"] == measure(chinese["text"]).segments >= 2
    assert sms["messages"] == 3
    assert sms["total_segments"] == 1 + 2 * chinese["segments"]
    assert sms["max_segments"] >= chinese["segments"]


def test_the_delivery_series_is_cumulative_in_steps_chosen_from_the_duration(
        auth, phone_traveler, outbox):
    for n in range(3):
        phone_traveler(f"+3369876543{n}")
    (staff, _), (approver, _) = auth.staff("admin"), auth.staff("admin")
    alert = create_and_send(staff, alert_body(severity="Severe"), approver=approver)
    series = staff.get(f"/api/staff/alerts/{alert['id']}/deliveries").json["series"]
    assert series["step"] == 1 and series["points"][0]["sent"] == 0
    assert series["points"][-1]["sent"] == 3  # read from the stored times: any time later too
    # Spread over 41 minutes: buckets of 30 s (at most 120 points), still cumulative.
    ids = db.session.scalars(select(Delivery.id).where(Delivery.alert_id == alert["id"])
                             .order_by(Delivery.id)).all()
    base = db.session.get(Delivery, ids[0]).sent_at
    db.session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(sent_at=base))
    db.session.execute(update(Delivery).where(Delivery.id == ids[0]).values(
        sent_at=base + timedelta(minutes=40), clicked_at=base + timedelta(minutes=41)))
    db.session.commit()
    series = staff.get(f"/api/staff/alerts/{alert['id']}/deliveries").json["series"]
    assert series["step"] == 30 and len(series["points"]) <= 122
    sent = [p["sent"] for p in series["points"]]
    assert sent == sorted(sent) and sent[-1] == 3 and sent[1] == 2
    assert series["points"][-1]["clicked"] == 1


def test_a_roll_call_lists_who_no_channel_reached_and_why_deliveries_failed(
        auth, phone_traveler, outbox, monkeypatch):
    staff, _ = auth.staff("officer", "fr-paris")
    reached = phone_traveler(PHONE)
    barred = phone_traveler("+33698765432", language="ar")

    class Refusing:
        def send(self, messages):
            return [SendResult(m.id, 403, "failed", None, "barred") if m.to != PHONE
                    else SendResult(m.id, 202, "sent", None, None) for m in messages]

    monkeypatch.setattr(sms_outbox, "gateway", Refusing)
    rollcall = start(staff)
    board = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json
    assert board["pushes"]["by_channel"]["sms"] == {"sent": 1, "delivered": 0, "failed": 1,
                                                    "answered": 0}
    assert board["pushes"]["failures"] == [{"channel": "sms", "state": "failed",
                                            "reason": "barred", "count": 1}]
    listed = staff.get(f"/api/staff/rollcalls/{rollcall['id']}/unreached").json
    assert [(p["user_id"], p["phone"], p["language"]) for p in listed] == [
        (barred.id, "+33698765432", "ar")]
    assert reached.id not in {p["user_id"] for p in listed}
    csv_text = staff.get(f"/api/staff/rollcalls/{rollcall['id']}/unreached.csv").text
    assert csv_text.lstrip("\ufeff").splitlines()[0] == "name,phone,email,language"
    assert "+33698765432" in csv_text and csv_text.rstrip().endswith(",ar")
    other, _ = auth.staff("officer", "us-dc")
    assert other.get(f"/api/staff/rollcalls/{rollcall['id']}/unreached").status_code == 404
    assert stats.failures([rollcall["alert_id"]])[0]["count"] == 1
