"""The real chain: the app over HTTP, Kannel's bearerbox and smsbox, and fakesmsc as the
operator (deploy/kannel/). Runs in the PostgreSQL pass of ``make test`` (the file outbox covers
the same flows on SQLite); skipped where Kannel is not installed, except in CI, where a
missing binary fails."""
from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from werkzeug.serving import make_server

from bench import pgdb
from deploy.kannel.chain import Chain, binaries
from server.accounts.models import User
from server.db import db, utcnow
from server.rollcall.models import RollCallRecipient
from server.sms import services
from server.sms.gateway import SmsOut
from server.sms.models import SmsInbox, SmsMessage
from server.sms.outbox import gateway
from server.trips.models import Leg, Trip
from tests.conftest import make_test_app
from tests.rollcall.helpers import rollcall_body

PHONE = "+33612345678"


def _require_chain() -> str:
    database = os.environ.get("TEST_DATABASE_URL")
    if not database:
        pytest.skip("the Kannel chain runs in the PostgreSQL pass (TEST_DATABASE_URL); "
                    "tests/sms/test_sms_replies.py covers the flows with the file outbox")
    missing = [name for name, path in binaries().items() if path is None]
    if missing:
        message = f"{', '.join(missing)} missing: apt-get install kannel kannel-extras"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return database


@pytest.fixture(scope="module")
def live(app, tmp_path_factory):
    """The app on a database of its own, served from a thread, with Kannel in front."""
    from flask_migrate import upgrade

    url = pgdb.with_database(_require_chain(), pgdb.database_of(
        os.environ["TEST_DATABASE_URL"]) + "_sms")
    pgdb.ensure(url)
    sms_app = make_test_app(
        tmp_path_factory, SQLALCHEMY_DATABASE_URI=url.replace("postgresql://",
                                                              "postgresql+psycopg://", 1),
        CELERY_TASK_ALWAYS_EAGER=True, SMS_SEND_BACKOFF_SECONDS=0.05)
    with sms_app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
    server = make_server("127.0.0.1", 0, sms_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app_url = f"http://127.0.0.1:{server.server_port}"
    chain = Chain(tmp_path_factory.mktemp("kannel"), app_url,
                  sms_app.config["SMS_CALLBACK_SECRET"]).start()
    sms_app.config.update(SMS_GATEWAY_URL=chain.sendsms_url, SMS_CALLBACK_URL=app_url)
    yield sms_app, chain
    chain.stop()
    server.shutdown()
    with sms_app.app_context():
        db.engine.dispose()
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


def _until(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    return check()


def _segments_to(chain, number):
    return [s for s in chain.received() if s["to"] == number]


def _traveler(phone) -> User:
    user = User(email=f"k-{uuid.uuid4().hex[:8]}@example.org", password_hash="x", name="Li",
                phone=phone, phone_verified_at=utcnow(), language="zh_Hans", role="traveler")
    db.session.add(user)
    db.session.flush()
    trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="W",
                emergency_contact_phone="+8613900139000", start_date=date.today(),
                end_date=date.today() + timedelta(days=5))
    trip.legs = [Leg(user_id=user.id, country="FR", start_date=date.today(),
                     end_date=date.today() + timedelta(days=5))]
    db.session.add(trip)
    db.session.commit()
    return user


def test_chinese_reaches_the_operator_as_ucs2_in_the_right_segments(live):
    sms_app, chain = live
    body = "地震预警：请立即前往安全地点并保持电话畅通。" * 4  # 88 characters: 2 segments
    with sms_app.app_context():
        row = services.queue("+8613800138000", body, "test")
        db.session.commit()
        assert (row.encoding, row.segments) == ("ucs2", 2)
    got = _until(lambda: len(_segments_to(chain, "+8613800138000")) == 2 and
                 _segments_to(chain, "+8613800138000"))
    assert got, chain.received()
    assert [s["udh"][-2:] for s in got] == [b"\x02\x01", b"\x02\x02"]  # part 1 and 2 of 2
    assert b"".join(s["payload"] for s in got).decode("utf-16-be") == body


def test_a_chinese_roll_call_reaches_the_operator_as_ucs2_in_the_predicted_segments(live):
    from server.broadcast.channels import sms as sms_channel
    from server.rollcall import services as rollcalls
    from server.rollcall.models import RollCallMessage
    from server.rollcall.schemas import RollCallIn
    from server.sms.encoding import measure
    from server.staff import services as staff

    sms_app, chain = live
    number = "+8613800138077"
    question = ("该地区发生强烈地震，余震可能持续数小时。"
                "请远离建筑物和玻璃窗，前往开阔地带。您安全吗？")
    texts = [{"language": "zh_Hans", "question": question},
             {"language": "en", "question": "Strong earthquake in the area. Are you safe?"}]
    with sms_app.test_request_context():
        admin = staff.create_staff(email=f"a-{uuid.uuid4().hex[:6]}@example.org", name="A",
                                   role="admin", password="a long staff password 1")
        _traveler(number)  # in Chinese, a verified number, no push device: texted at once
        rollcall = rollcalls.start(admin, RollCallIn().load(rollcall_body(texts=texts)))
        db.session.commit()
        expected = sms_channel.text(db.session.get(RollCallMessage, rollcall.alert_id), "zh_Hans")
    predicted = measure(expected)
    assert predicted.encoding == "ucs2" and predicted.segments >= 2, predicted
    got = _until(lambda: len(_segments_to(chain, number)) >= predicted.segments and
                 _segments_to(chain, number))
    assert got and len(got) == predicted.segments, chain.received()
    n = predicted.segments
    assert [s["udh"][-2:] for s in got] == [bytes([n, i]) for i in range(1, n + 1)]
    assert b"".join(s["payload"] for s in got).decode("utf-16-be") == expected
    assert all(len(s["payload"]) <= 2 * 67 for s in got)  # 67 UCS-2 units per part
    # fakesmsc prints a part with a UDH as data: bearerbox's log says how it went out.
    assert [(m["coding"], m["bytes"]) for m in chain.sent() if m["to"] == number] == [
        (2, 2 * predicted.units)]


def test_a_delivery_report_marks_the_sms_delivered(live):
    sms_app, chain = live
    with sms_app.app_context():
        message_id = services.queue("+33600000001", "Are you safe?", "test").id
        db.session.commit()

    def state():
        with sms_app.app_context():
            row = db.session.get(SmsMessage, message_id)
            return row.state == "delivered" and row

    row = _until(state)
    assert row and row.dlr_status == 1 and row.gateway_status == 202


def test_a_reply_1_through_the_operator_records_safe(live):
    from server.rollcall import services as rollcalls
    from server.rollcall.schemas import RollCallIn
    from server.staff import services as staff

    sms_app, chain = live
    with sms_app.test_request_context():
        admin = staff.create_staff(email=f"a-{uuid.uuid4().hex[:6]}@example.org", name="A",
                                   role="admin", password="a long staff password 1")
        user = _traveler(PHONE)
        rollcall = rollcalls.start(admin, RollCallIn().load(rollcall_body()))
        db.session.commit()
        rollcall_id, user_id = rollcall.id, user.id
    chain.reply(PHONE, "１")  # a phone typing a full-width one, in UCS-2

    def answer():
        with sms_app.app_context():
            return db.session.scalar(select(RollCallRecipient.answer).where(
                RollCallRecipient.rollcall_id == rollcall_id,
                RollCallRecipient.user_id == user_id))

    assert _until(answer) == "safe"
    with sms_app.app_context():
        assert db.session.scalar(select(SmsInbox.handled_as).where(
            SmsInbox.user_id == user_id)) == "safe"


def test_the_gateway_stopped_mid_send_loses_nothing_and_sends_nothing_twice(live):
    sms_app, chain = live
    texts = [f"Message {i} of ten" for i in range(10)]

    def batch():
        for i, body in enumerate(texts):
            if i == 5:
                chain.stop_smsbox()  # smsbox goes away in the middle of the batch
            yield SmsOut(i, "+33600000002", body)

    with sms_app.app_context():
        client = gateway()
        first = client.send(batch())
        assert [r.outcome for r in first] == ["sent"] * 5 + ["retry"] * 5
        chain.start_smsbox()
        again = client.send([SmsOut(r.id, "+33600000002", texts[r.id])
                             for r in first if r.outcome == "retry"])
        assert [r.outcome for r in again] == ["sent"] * 5

    def arrived():
        got = [s["payload"].decode() for s in _segments_to(chain, "+33600000002")]
        return len(got) >= 10 and got

    got = _until(arrived)
    time.sleep(0.5)  # anything sent twice would arrive by now
    got = [s["payload"].decode() for s in _segments_to(chain, "+33600000002")]
    assert sorted(got) == sorted(texts)
