"""SMS through the real Kannel chain (bearerbox + smsbox + fakesmsc, ``deploy/kannel/``), the
gateway's rate unlimited, against PostgreSQL. Prints messages/s accepted by smsbox and CPU per
message, in one run:

    .venv/bin/python -m bench.sms --recipients 100000 --naive 2000   # the issue's size
    .venv/bin/python -m bench.sms --recipients 2000 --naive 300      # about a minute

(a) escalation: a roll call to every traveler of one country (a push device each, a verified
number), pushed (marked so: the push is ``bench/fanout.py``'s), 30 % answered; the beat task
``rollcall.escalate`` run directly once the wait is over, its SMS batches sent by Celery
workers on Redis (``--workers`` processes, ``--pool``): the time until every non-answerer has
an SMS accepted by smsbox; (b) fan-out: a Severe alert to the same people, now without push,
through the broadcast pipeline's own tasks in those workers (materialize, batches of
``PUSH_BATCH_SIZE``, claim, ``KannelGateway.send`` on kept-alive connections, record);
(c) naive: one HTTP GET to smsbox's ``sendsms`` per message with a new connection each
(``urllib.request.urlopen``), the same parameters, one after the other, on ``--naive``
messages.

Kannel's delivery reports go to a sink in another process (answers 200), as they would go to
the app. CPU per message: the senders (the workers; the naive loop's process) and bearerbox +
smsbox.
"""
from __future__ import annotations

import argparse
import multiprocessing
import secrets
import tempfile
import time
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

from bench import common, pgdb, synth

COUNTRY = "TH"
DATABASE = "compatriot_bench_sms"
QUESTION = {
    "en": "Earthquake in the area. Are you safe?",
    "zh_Hans": "该地区发生地震。您安全吗？",
    "zh_Hant": "該地區發生地震。您安全嗎？",
    "ar": "وقع زلزال في المنطقة. هل أنت بخير؟",
}


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  (http.server's name)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _sink(port_box, ready) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    port_box.value = server.server_port
    ready.set()
    server.serve_forever()


def _people(url: str, recipients: int) -> int:
    """``recipients`` travelers staying in COUNTRY now (1.3 devices each), numbers verified:
    reused when a former run made as many."""
    pgdb.ensure(url)
    if synth.table_count(url, "devices") != int(recipients * 1.3):
        synth.reset_schema(url)
        common.make_app(common.bench_env(url), migrate=True)
        synth.generate_present(url, int(recipients * 1.3), COUNTRY)
    synth.clear_alerts(url)
    with synth.psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE users SET phone = '+6681' || lpad(id::text, 7, '0'), "
                     "phone_verified_at = now() WHERE phone_verified_at IS NULL")
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]


def _env(url: str, broker: str, chain, sink_port: int) -> dict:
    return {**common.bench_env(url, broker), "SMS_GATEWAY_URL": chain.sendsms_url,
            "SMS_CALLBACK_URL": f"http://127.0.0.1:{sink_port}", "SMS_RATE": "1000000000"}


def _app(env: dict):
    """This process: sets up and runs the beat task; its tasks go to the workers, except
    during the roll call's setup (run here, eager)."""
    app = common.make_app(env)
    app.config.update(BROADCAST_NO_PUSH_CHANNELS=(), ROLLCALL_ESCALATION_CHANNELS=("sms",),
                      BROADCAST_PERSON_CHANNELS={**app.config["BROADCAST_PERSON_CHANNELS"],
                                                 "rollcall": ()})
    return app


def _pending_sms(alert_id: int) -> int:
    from sqlalchemy import func, select

    from server.broadcast.models import Delivery
    from server.db import db

    count = db.session.scalar(select(func.count()).where(
        Delivery.alert_id == alert_id, Delivery.channel == "sms", Delivery.state == "pending"))
    db.session.rollback()
    return count


def _sms_sent(alert_id: int) -> int:
    from sqlalchemy import func, select

    from server.broadcast.models import Delivery
    from server.db import db

    return db.session.scalar(select(func.count()).where(
        Delivery.alert_id == alert_id, Delivery.channel == "sms", Delivery.state == "sent"))


def _until_sent(app, alert_id: int, started: float, expected: int | None = None) -> float:
    """Seconds from ``started`` until the alert has no pending SMS (and ``expected`` rows)."""
    from sqlalchemy import func, select

    from server.broadcast.models import Delivery
    from server.db import db

    while True:
        time.sleep(0.2)
        with app.app_context():
            rows = db.session.scalar(select(func.count()).where(
                Delivery.alert_id == alert_id, Delivery.channel == "sms"))
            left = _pending_sms(alert_id)
        if left == 0 and rows and (expected is None or rows >= expected):
            return time.perf_counter() - started
        if time.perf_counter() - started > 3600:
            raise RuntimeError(f"{left} SMS still pending after an hour")


def _report(label: str, count: int, wall: float, cpu_sender: float, cpu_kannel: float) -> float:
    rate = count / wall if wall else 0.0
    print(f"{label:>10}: {count:,} SMS accepted in {wall:.1f} s = {rate:,.0f} messages/s; "
          f"CPU per message: sender {cpu_sender / max(count, 1) * 1e6:,.0f} µs, "
          f"bearerbox+smsbox {cpu_kannel / max(count, 1) * 1e6:,.0f} µs", flush=True)
    return rate


def fan_out(app, workers, kannel_pids) -> float:
    from sqlalchemy import text

    from server.broadcast import tasks
    from server.celery_app import bound
    from server.db import db

    with app.app_context():
        db.session.execute(text("TRUNCATE alerts CASCADE"))  # the roll call's rows
        db.session.execute(text("DELETE FROM devices"))  # SMS only: nobody has push
        alert = common.create_alert([{"kind": "country", "code": COUNTRY}], severity="Severe")
        alert_id = alert.id
        db.session.commit()
    senders, kannel = common.ProcessMeter(workers), common.ProcessMeter(kannel_pids)
    started = time.perf_counter()
    with app.app_context():
        bound(tasks.send_alert).delay(alert_id)
    wall = _until_sent(app, alert_id, started)
    with app.app_context():
        sent = _sms_sent(alert_id)
        db.session.remove()
    return _report("fan-out", sent, wall, senders.cpu(), kannel.cpu())


def naive(app, sample: int, kannel_pids) -> float:
    from server.sms import outbox
    from server.sms.gateway import SmsOut

    with app.app_context():
        client = outbox.gateway()
        messages = [SmsOut(i, f"+6682{i:07d}", "Protests downtown: stay indoors tonight.",
                           outbox.dlr_url(i, delivery=True)) for i in range(sample)]
        endpoint = client.endpoint
    kannel = common.ProcessMeter(kannel_pids)
    wall, cpu = time.perf_counter(), time.process_time()
    accepted = 0
    for message in messages:
        with urllib.request.urlopen(f"{endpoint}?{urlencode(client.params(message))}") as r:  # noqa: S310
            accepted += r.status in (200, 202)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return _report("naive", accepted, wall, cpu, kannel.cpu())


def escalation(app, people: int, workers, kannel_pids) -> None:
    from sqlalchemy import func, select, update

    from server.broadcast.models import Delivery
    from server.db import db, utcnow
    from server.rollcall import services as rollcalls
    from server.rollcall import tasks as rollcall_tasks
    from server.rollcall.models import RollCallMessage, RollCallRecipient
    from server.rollcall.schemas import RollCallIn
    from server.staff import services as staff

    celery = app.extensions["celery"]
    with app.test_request_context():
        admin = staff.create_staff(email=f"bench-{time.time_ns()}@example.org", name="Bench",
                                   role="admin", password=secrets.token_urlsafe(24))
        body = {"texts": [{"language": k, "question": v} for k, v in QUESTION.items()],
                "areas": [{"kind": "country", "code": COUNTRY}],
                "deadline": (utcnow() + timedelta(hours=6)).isoformat()}
        pushing = rollcall_tasks.enqueue_pending
        rollcall_tasks.enqueue_pending = lambda *a, **k: 0  # the push itself is not measured
        celery.conf.task_always_eager = True  # recipients and pushes materialized here
        started = time.perf_counter()
        try:
            rollcall = rollcalls.start(admin, RollCallIn().load(body))
            db.session.commit()
        finally:
            rollcall_tasks.enqueue_pending = pushing
            celery.conf.task_always_eager = False
        alert_id, rollcall_id = rollcall.alert_id, rollcall.id
        now = utcnow()
        db.session.execute(update(Delivery).where(Delivery.alert_id == alert_id).values(
            state="sent", sent_at=now))  # pushed
        db.session.execute(update(RollCallRecipient).where(
            RollCallRecipient.rollcall_id == rollcall_id,
            RollCallRecipient.user_id % 10 < 3).values(answer="safe", answered_at=now))
        db.session.execute(update(RollCallMessage).where(RollCallMessage.id == alert_id).values(
            sent_at=now - timedelta(minutes=app.config["ROLLCALL_ESCALATE_AFTER_MINUTES"] + 1)))
        db.session.commit()
        silent = db.session.scalar(select(func.count()).where(
            RollCallRecipient.rollcall_id == rollcall_id, RollCallRecipient.answer.is_(None)))
        print(f"roll call: {people:,} recipients, {people - silent:,} answered by push, "
              f"{silent:,} silent (set up in {time.perf_counter() - started:.1f} s)", flush=True)
    senders, kannel = common.ProcessMeter(workers), common.ProcessMeter(kannel_pids)
    started = time.perf_counter()
    with app.app_context():
        added = rollcall_tasks.escalate.run()  # the beat task: rows, then batches to workers
        task = time.perf_counter() - started
    wall = _until_sent(app, alert_id, started, silent)
    with app.app_context():
        sent = _sms_sent(alert_id)
        db.session.remove()
    assert added == silent == sent, (added, silent, sent)
    _report("escalation", sent, wall, senders.cpu(), kannel.cpu())
    print(f"escalation: every one of the {silent:,} non-answerers has an SMS accepted "
          f"{wall:.1f} s after the beat task started (the task itself: {task:.1f} s)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=2000)
    parser.add_argument("--database-url", default=pgdb.with_database(common.DEFAULT_SERVER,
                                                                      DATABASE))
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", default="threads:4", help="celery worker --pool[:concurrency]")
    args = parser.parse_args()
    from bench.fanout import Workers
    from deploy.kannel.chain import Chain

    print(common.machine(), flush=True)
    people = _people(args.database_url, args.recipients)
    port, ready = multiprocessing.Value("i", 0), multiprocessing.Event()
    sink = multiprocessing.Process(target=_sink, args=(port, ready), daemon=True)
    sink.start()
    ready.wait(10)
    workdir = Path(tempfile.mkdtemp(prefix="bench-kannel-"))
    chain = Chain(workdir, f"http://127.0.0.1:{port.value}", "bench-secret", log_level=4).start()
    env = _env(args.database_url, args.broker, chain, port.value)
    workers = Workers(args.workers, env, workdir, args.pool)
    try:
        workers.wait_ready(env)
        app = _app(env)
        pids = [chain.processes["bearerbox"].pid, chain.processes["smsbox"].pid]
        senders = [p.pid for p in workers.procs]
        print(f"{args.workers} workers --pool {args.pool}, Kannel in {workdir}", flush=True)
        escalation(app, people, senders, pids)
        fast = fan_out(app, senders, pids)
        slow = naive(app, args.naive, pids)
        print(f"fan-out / naive: {fast / slow:.1f}x; {common.load()}", flush=True)
        print(f"operator (fakesmsc) got {len(chain.received()):,} segments", flush=True)
    finally:
        workers.stop()
        chain.stop()
        sink.terminate()


if __name__ == "__main__":
    main()
