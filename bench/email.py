"""Email throughput: N recipients through the broadcast fan-out's email channel against the
naive loop, to a local SMTP sink over TLS (as a relay is reached in production:
``MAIL_URL=smtp+starttls://user:password@host:587``); plain SMTP rows as a reference.

    .venv/bin/python -m bench.email --recipients 20000                   # the full run
    .venv/bin/python -m bench.email --recipients 1000 --naive 50 --sender 2000 --reuse  # < 1 min

The sink (``--sink``) must cost little CPU, or the run measures it rather than the sender: on 2
cores the Python sink (aiosmtpd) spends 1.0 to 1.4 ms of CPU per message, as much as the whole
budget of 1,500 messages/s. ``--sink postfix`` (the default when installed) is Postfix's
``smtp-sink`` (C, accepts and discards) behind ``stunnel4`` (C) for TLS. Install both with
``DEBIAN_FRONTEND=noninteractive apt-get install -y postfix stunnel4`` (a Postfix daemon the
install started is not needed: ``postfix stop``). With that sink the TLS is implicit
(``smtps://``, as on port 465), not STARTTLS: stunnel's STARTTLS (``protocol = smtp``) waits
200 ms on each new connection to see whether the client speaks first, which made the naive loop
look 10 times slower than it is. The handshake and the cipher are the same; STARTTLS only adds
one round trip per connection (per message in the naive loop, once per worker pooled). No AUTH
either: smtp-sink answers AUTH with 250 where smtplib wants 235, so both the naive loop and the
transport skip it (one round trip, a few µs of CPU). ``--sink aiosmtpd``
(``tests/mail/smtpsink.py``, STARTTLS + AUTH) is the sink of the tests, in Python.

(a) naive: per message a new connection, TLS with ``ssl.create_default_context()`` (the
system trust store, loaded each time), AUTH (aiosmtpd sink), ``send_message``, QUIT; a sample
of ``--naive``, taken before and after the other runs (the ratios use the mean of the two
rates); the same loop over plain SMTP (no TLS, no AUTH) for reference. (b) the transport alone
(``server/mail/transport.py``): prebuilt messages, batches of 500 on one kept connection per
process, 2 processes, no database; plain SMTP for reference. (c) composing alone, in this
process: ``server.mail.compose.compose`` for recipients read from the database, then
``transport.serialize``; and the fan-out's way (``server/mail/bulk.py``: what the recipients
share written once per language, then each recipient's bytes), no sending. (d) the fan-out:
an approved Severe alert in Thailand to ``--recipients`` travelers with a verified address and
no push device, through the real tasks of ``server/broadcast/tasks.py`` in 2 ``celery worker
--pool solo`` processes on Redis and PostgreSQL (materialize the email deliveries, batches of
500 ids, claim, write each message in the recipient's language, send on the worker's kept
TLS connection, record each result), from the ``send_alert`` task to the last delivery
no longer pending.

The sink runs in processes of its own (certificate made here), counts nothing and parses
nothing. Every client trusts its certificate the way a system store would: ``SSL_CERT_FILE`` is
the system bundle with that certificate appended. Sender CPU is the CPU time of the sending
processes; the sink's and PostgreSQL's CPU are printed beside it (they share the same 2 cores).
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from bench import common, pgdb, synth
from bench.fanout import in_child, run_workers, together
from tests.mail import smtpsink

FROM = "Compatriot <no-reply@bench.invalid>"
BATCH = 500


class _Count:
    """The sink's handler: accepts every message, parses nothing."""

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


STUNNEL = """foreground = yes
pid =
debug = err
[smtps]
accept = 127.0.0.1:{port}
connect = 127.0.0.1:{inner}
cert = {cert}
key = {key}
"""


def _binary(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None)


def postfix_sink_available() -> bool:
    return bool(_binary("smtp-sink") and _binary("stunnel4"))


def _postfix_sink(cert: str | None, key: str | None, port: int) -> list[subprocess.Popen]:
    """smtp-sink on a port of its own; with ``cert``, stunnel in front of it on ``port``
    (implicit TLS)."""
    inner = smtpsink.free_port() if cert else port
    procs = [subprocess.Popen(  # noqa: S603  (our own arguments)
        [_binary("smtp-sink"), "-u", "nobody", f"127.0.0.1:{inner}", "1024"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    if cert:
        conf = Path(cert).with_name(f"stunnel-{port}.conf")
        conf.write_text(STUNNEL.format(port=port, inner=inner, cert=cert, key=key))
        procs.append(subprocess.Popen(  # noqa: S603
            [_binary("stunnel4"), str(conf)], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:  # listening (stunnel answers nothing before a TLS handshake)
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return procs
        except OSError:
            time.sleep(0.1)
    for proc in procs:
        proc.terminate()
    raise RuntimeError("smtp-sink / stunnel did not start")


def _sink(kind: str, cert: str | None, key: str | None, port: int, ready) -> None:
    """The sink's process: aiosmtpd in it, or the C sink's processes as its children (so
    that its CPU, children included, is the sink's)."""
    import signal
    import warnings

    if kind == "postfix":
        procs = _postfix_sink(cert, key, port)

        def stop(*_args):
            for proc in procs:
                proc.terminate()
            os._exit(0)

        signal.signal(signal.SIGTERM, stop)
    elif cert:
        # aiosmtpd warns of its own deprecated attribute at each AUTH.
        warnings.filterwarnings("ignore", "Session.login_data", DeprecationWarning)
        smtpsink.start(Path(cert), Path(key), _Count(), port)
    else:
        from aiosmtpd.controller import Controller

        Controller(_Count(), hostname="127.0.0.1", port=port).start()
    ready.set()
    while True:
        time.sleep(3600)


def start_sink(kind: str, tls: tuple[str, str] | None):
    """(process, port): a sink, TLS if ``tls`` (certificate, key) else plain: implicit for
    postfix, STARTTLS + AUTH for aiosmtpd."""
    context = multiprocessing.get_context("spawn")
    port, ready = smtpsink.free_port(), context.Event()
    proc = context.Process(target=_sink, args=(kind, *(tls or (None, None)), port, ready),
                           daemon=True)
    proc.start()
    if not ready.wait(60):
        raise RuntimeError("the SMTP sink did not start")
    return proc, port


def sink_url(port: int, tls: str, auth: bool) -> str:
    """``tls``: "" (plain), "starttls" or "smtps"."""
    scheme = {"": "smtp", "starttls": "smtp+starttls", "smtps": "smtps"}[tls]
    login = f"{smtpsink.USER}:{smtpsink.PASSWORD}@" if auth else ""
    return f"{scheme}://{login}127.0.0.1:{port}"


def trust_store(cert: Path, directory: Path) -> str:
    """The system's CA bundle with the sink's certificate appended (for SSL_CERT_FILE)."""
    system = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")
    path = directory / "trust-store.pem"
    path.write_bytes(system.read_bytes() + b"\n" + cert.read_bytes())
    return str(path)


def _messages(count: int):
    """Prebuilt alert-sized messages (plain text + HTML) for (a) and (b)."""
    from flask import Flask

    from server.mail.message import build

    app = Flask(__name__)
    app.config["MAIL_FROM"] = FROM
    with app.app_context():
        return [(i, build(f"t{i}@bench.example", f"[Severe] Stay indoors {i}",
                          "Protests downtown; avoid the area around the parliament.\n" * 8,
                          "<p>Protests downtown; avoid the area around the parliament.</p>" * 8,
                          to_name=f"Traveler {i}")) for i in range(count)]


def _figures(sent: int, wall: float, cpu: float) -> dict:
    return {"sent": sent, "wall": wall, "cpu": cpu, "rss": common.self_peak_rss_mb()}


def _naive_child(port: int, count: int, tls: str, auth: bool, queue) -> None:
    messages = _messages(count)
    cpu, started = time.process_time(), time.perf_counter()
    for _, message in messages:
        smtp = (smtplib.SMTP_SSL("127.0.0.1", port, context=ssl.create_default_context())
                if tls == "smtps" else smtplib.SMTP("127.0.0.1", port))
        with smtp:  # QUIT on leaving
            if tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if auth:
                smtp.login(smtpsink.USER, smtpsink.PASSWORD)
            smtp.send_message(message)
    queue.put(_figures(count, time.perf_counter() - started, time.process_time() - cpu))


def _transport_child(url: str, count: int, start, queue) -> None:
    from server.mail.transport import SmtpTransport

    items = _messages(count)
    transport = SmtpTransport(url)  # the default context: SSL_CERT_FILE, once
    queue.put("ready")
    start.wait()
    cpu, started = time.process_time(), time.perf_counter()
    results = [r for i in range(0, count, BATCH) for r in transport.send_many(items[i:i + BATCH])]
    transport.close()
    sent = sum(r.outcome == "sent" for r in results)
    queue.put(_figures(sent, time.perf_counter() - started, time.process_time() - cpu))


def metered(sink, run) -> dict:
    """``run()``'s figures, with the CPU the sink spent meanwhile."""
    meter = common.ProcessMeter([sink.pid])
    result = run()
    result["sink_cpu"] = meter.cpu()
    return result


# -- (c) and (d): the database -----------------------------------------------------------------


def prepare_database(url: str, recipients: int, reuse: bool) -> None:
    """``recipients`` travelers staying in Thailand (``synth.generate_present``) with a
    verified address and no push device: the email channel is then the only one (no verified
    phone, so no SMS either). Alerts of former runs dropped."""
    from sqlalchemy import text

    pgdb.ensure(url)
    if reuse and synth.table_count(url, "legs") == recipients:
        synth.clear_alerts(url)
        print(f"  reusing {recipients} recipients in {pgdb.database_of(url)}")
        return
    synth.reset_schema(url)
    app = common.make_app(common.bench_env(url), migrate=True)
    synth.generate_present(url, math.ceil(recipients * 1.45), "TH")  # 1.3 devices each
    with app.app_context():
        from server.db import db

        db.session.execute(text("DELETE FROM devices"))
        db.session.execute(text("DELETE FROM legs WHERE user_id > :n"), {"n": recipients})
        db.session.execute(text("DELETE FROM trips WHERE user_id > :n"), {"n": recipients})
        db.session.execute(text("UPDATE users SET email_verified_at = now()"))
        db.session.commit()
    if synth.table_count(url, "legs") != recipients:
        raise RuntimeError("fewer travelers generated than recipients asked for")


def new_alert(app) -> int:
    from sqlalchemy import text

    from server.db import db

    with app.app_context():
        alert = common.create_alert([{"kind": "country", "code": "TH"}], severity="Severe")
        alert_id = alert.id
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) users, deliveries"))
    return alert_id


def compose_alone(app, alert_id: int, count: int) -> tuple[dict, dict, dict]:
    """(compose, serialize, bulk) figures for ``count`` recipients read from the database:
    one whole message per recipient, then serialized; and the fan-out's way (bulk)."""
    from sqlalchemy import select

    from server.accounts.models import User
    from server.alerts.models import Alert
    from server.db import db, utcnow
    from server.mail.bulk import Prepared
    from server.mail.compose import compose
    from server.mail.transport import serialize

    with app.test_request_context():
        alert = db.session.get(Alert, alert_id)
        users = list(db.session.scalars(select(User).order_by(User.id).limit(count)))
        cpu, started = time.process_time(), time.perf_counter()
        messages = [compose(alert, user, user.language) for user in users]
        composed = _figures(len(messages), time.perf_counter() - started,
                            time.process_time() - cpu)
        cpu, started = time.process_time(), time.perf_counter()
        for message in messages:
            serialize(message)
        serialized = _figures(len(messages), time.perf_counter() - started,
                              time.process_time() - cpu)
        cpu, started, now = time.process_time(), time.perf_counter(), utcnow()
        prepared: dict[str, Prepared] = {}
        for user in users:
            if user.language not in prepared:
                prepared[user.language] = Prepared(alert, user.language, now)
            prepared[user.language].wire(user)
        bulk = _figures(len(users), time.perf_counter() - started, time.process_time() - cpu)
        db.session.rollback()
    return composed, serialized, bulk


# -- the report ----------------------------------------------------------------------------------


def rate(result: dict) -> float:
    return result["sent"] / result["wall"]


def row(name: str, result: dict) -> str:
    n = max(result["sent"], 1)
    extra = (f"{result['database_cpu'] / n * 1e6:,.0f}" if "database_cpu" in result else "")
    sink = f"{result['sink_cpu'] / n * 1e6:,.0f}" if "sink_cpu" in result else ""
    return (f"| {name} | {result['sent']:,} | {result['wall']:.1f} | {rate(result):,.0f} | "
            f"{result['cpu'] / n * 1e6:,.0f} | {sink} | {extra} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=20_000, help="recipients of (d)")
    parser.add_argument("--naive", type=int, default=200, help="sample of (a) over TLS")
    parser.add_argument("--naive-plain", type=int, default=500, help="sample of (a), plain")
    parser.add_argument("--sender", type=int, default=20_000, help="messages of (b)")
    parser.add_argument("--compose", type=int, default=2000, help="recipients of (c)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sink", choices=("postfix", "aiosmtpd"),
                        default="postfix" if postfix_sink_available() else "aiosmtpd",
                        help="postfix: smtp-sink behind stunnel4 (C; see above how to install "
                             "them), the default when installed; aiosmtpd: the tests' sink")
    parser.add_argument("--database-url", default=pgdb.with_database(
        common.DEFAULT_SERVER, "compatriot_bench_email"))
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--reuse", action="store_true", help="keep the travelers of a former run")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    print(f"machine: {common.machine()}")
    if args.sink == "aiosmtpd" and not postfix_sink_available():
        print("  (the sink in C is not installed: DEBIAN_FRONTEND=noninteractive apt-get "
              "install -y postfix stunnel4; then postfix stop)")
    auth = args.sink == "aiosmtpd"  # smtp-sink's AUTH reply is 250, which smtplib refuses
    tls = "starttls" if auth else "smtps"  # stunnel's STARTTLS: 200 ms per connection
    secure = "STARTTLS + AUTH" if auth else "implicit TLS (smtps)"
    print(f"sink: {args.sink} ({secure})")
    tmp = Path(tempfile.mkdtemp(prefix="bench-email-"))
    cert, key = smtpsink.make_certificate(tmp)
    os.environ["SSL_CERT_FILE"] = trust_store(cert, tmp)  # every child inherits it
    tls_sink, tls_port = start_sink(args.sink, (str(cert), str(key)))
    plain_sink, plain_port = start_sink(args.sink, None)
    lines = ["| sender | messages | seconds | messages/s | sender CPU µs/message | "
             "sink CPU µs/message | PostgreSQL CPU µs/message |",
             "|---|---:|---:|---:|---:|---:|---:|"]

    def report(name: str, result: dict) -> dict:
        lines.append(row(name, result))
        print("  " + lines[-1], flush=True)
        return result

    def naive(when: str) -> dict:
        print(f"(a) naive loop over {secure}: a sample of {args.naive}, {when}")
        return report(f"(a) naive loop, {secure}, {when}", metered(
            tls_sink, lambda: in_child(_naive_child, tls_port, args.naive, tls, auth)))

    try:
        before = naive("before")
        report("(a) naive loop, plain SMTP (reference)", metered(
            plain_sink, lambda: in_child(_naive_child, plain_port, args.naive_plain, "",
                                         False)))

        print(f"(b) the transport alone, 2 processes: {args.sender} messages")
        alone = report(f"(b) transport alone, 2 processes, {secure}", metered(
            tls_sink, lambda: together(_transport_child, 2, sink_url(tls_port, tls, auth),
                                       args.sender // 2)))
        report("(b) transport alone, 2 processes, plain SMTP (reference)", metered(
            plain_sink, lambda: together(_transport_child, 2,
                                         sink_url(plain_port, "", False),
                                         args.sender // 2)))

        print(f"(d) fan-out: {args.recipients} recipients in {args.database_url}")
        prepare_database(args.database_url, args.recipients, args.reuse)
        env = common.bench_env(args.database_url, args.broker)
        env.update({"MAIL_URL": sink_url(tls_port, tls, auth), "MAIL_FROM": FROM,
                    "SSL_CERT_FILE": os.environ["SSL_CERT_FILE"]})
        app = common.make_app(env)

        print(f"(c) composing alone: {args.compose} recipients")
        composed, serialized, bulk = compose_alone(app, new_alert(app), args.compose)
        report("(c) compose (from the database rows), 1 process, no sending", composed)
        report("(c) serialize (transport.serialize), 1 process, no sending", serialized)
        report("(c) the fan-out's way (bulk.Prepared per language, wire per recipient), "
               "1 process, no sending", bulk)

        alert_id = new_alert(app)
        fanout = run_workers(app, env, alert_id, args.workers, tmp, args.verbose, "solo",
                             tls_sink.pid, args.database_url)
        fanout["sink_cpu"] = fanout["receiver_cpu"]
        report(f"(d) fan-out, {args.workers} Celery workers, {secure}", fanout)

        after = naive("after")
        naive_rate = (rate(before) + rate(after)) / 2
        notes = [
            f"- naive loop over {secure}: {naive_rate:,.1f} msg/s (mean of before and after)",
            f"- (b) transport alone: {rate(alone) / naive_rate:,.1f}x the naive loop",
            f"- (d) fan-out: {rate(fanout) / naive_rate:,.1f}x the naive loop, "
            f"{rate(fanout):,.0f} msg/s; materialization {fanout['materialize']:.1f} s; "
            f"machine CPU busy {fanout['machine_busy']:.0%}; RSS per worker "
            f"{', '.join(f'{r:.0f}' for r in fanout['rss_each'])} MB; "
            f"not sent: {fanout['other'] or 'none'}",
            f"- target (>= 20x the naive loop and >= 1,500 msg/s): "
            f"{'met' if rate(fanout) / naive_rate >= 20 and rate(fanout) >= 1500 else 'NOT met'}",
            f"- {common.load()} at the end",
        ]
        print("\n" + "\n".join(lines) + "\n\n" + "\n".join(notes))
    finally:
        tls_sink.terminate()
        plain_sink.terminate()


if __name__ == "__main__":
    main()
