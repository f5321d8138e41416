"""Fan-out throughput: the naive pywebpush loop, the crypto floor, and the project's fan-out
through real Celery workers on Redis against PostgreSQL, over HTTP and over TLS, in one run.

    .venv/bin/python -m bench.fanout --devices 100000          # the issue's size
    .venv/bin/python -m bench.fanout --devices 5000 --naive 300 --crypto 3000   # < 1 minute

(a) naive: ``server.push.naive_send`` (``pywebpush.webpush()``: new connection, new JWT per
message), one after the other, on a sample of ``--naive`` devices; (b) crypto floor:
``server.push.encrypt`` only (ECDH + HKDF + AES-GCM, no HTTP); (c) the real tasks of
``server/broadcast/tasks.py`` in ``celery worker --pool solo`` processes (1, then 2; ``--pool
threads:3`` or ``prefork:2`` to compare): materialize with INSERT ... SELECT, batches of 500
ids, claim, push, record; (d) ``server.push.PushSender`` alone in 2 processes, batches of 500,
no database: the same work as (a), pooled. The push service is ``bench/receiver.py`` in its
own process (answers 201). The naive sample of each transport is taken before and after that
transport's runs; ratios are to the mean of the two rates.

Over TLS every sender verifies the push service's certificate as it would in production: the
trust store is requests' default (certifi's roots) with the benchmark's self-signed certificate
appended. pywebpush opens a new connection per message, and urllib3 then builds an SSL context
and loads that whole store again each time (about 40 ms with OpenSSL 3): that, more than the
handshake, is what the naive loop pays per message against a real push service. For reference
the run also times the naive loop with a store holding the one certificate only (the cost of
the handshake alone). The workers load the same store once.

Sender CPU is the CPU time of the sending processes (psutil), peak RSS is VmHWM; the CPU the
push service and the database's backends spent is printed beside it (they share the same
cores), with the rate once materialization was over.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench import common, pgdb, synth
from server.push import PushMessage

PAYLOAD = (b'{"alert_id":1,"type":"Alert","headline":"Stay indoors","body":"Protests downtown; '
           b'avoid the area around the parliament and follow the instructions of the local '
           b'authorities.","severity":"Severe","url":"/alerts/1","tag":"alert-1"}')


def start_receiver(tls: tuple[str, str] | None) -> tuple[subprocess.Popen, int]:
    command = [sys.executable, "-m", "bench.receiver"] + (["--tls", *tls] if tls else [])
    proc = subprocess.Popen(command, cwd=common.ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    line = proc.stdout.readline()
    return proc, int(line.split()[1])


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


# -- (a), (b) and (d), each in child processes of their own so CPU and RSS are their own ------


def sample_messages(origin: str, count: int) -> list[PushMessage]:
    """``count`` messages to the receiver at ``origin``, over 50 real subscription keys."""
    keys = synth.key_pool(50)
    return [PushMessage(id=i, endpoint=f"{origin}/push/{i}", p256dh=keys[i % 50][0],
                        auth=keys[i % 50][1], payload=PAYLOAD, ttl=3600, urgency="high",
                        topic="alert-1") for i in range(count)]


def _naive_child(origin: str, count: int, ca_file: str | None, vapid_key: str, queue) -> None:
    from server.push import naive_send

    if ca_file:
        os.environ["REQUESTS_CA_BUNDLE"] = ca_file
    messages = sample_messages(origin, count)
    cpu, started = time.process_time(), time.perf_counter()
    results = [naive_send(m, vapid_key, "mailto:bench@example.org") for m in messages]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    sent = sum(r.outcome == "sent" for r in results)
    queue.put({"sent": sent, "wall": wall, "cpu": cpu, "rss": common.self_peak_rss_mb()})


def _sender_child(origin: str, count: int, vapid_key: str, start, queue) -> None:
    """The project's PushSender alone, batches of 500, no database: what (a) does, pooled."""
    from server.push import PushSender, VapidSigner

    messages = sample_messages(origin, count)
    with PushSender(VapidSigner(vapid_key, "mailto:bench@example.org")) as sender:
        queue.put("ready")
        start.wait()
        cpu, started = time.process_time(), time.perf_counter()
        results = [r for i in range(0, count, 500) for r in sender.send(messages[i:i + 500])]
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    sent = sum(r.outcome == "sent" for r in results)
    queue.put({"sent": sent, "wall": wall, "cpu": cpu, "rss": common.self_peak_rss_mb()})


def senders_alone(origin: str, count: int, processes: int, vapid_key: str) -> dict:
    """``processes`` children running ``_sender_child`` at once, ``count`` messages in all."""
    return together(_sender_child, processes, origin, count // processes, vapid_key)


def together(target, processes: int, *args) -> dict:
    """``processes`` children running ``target(*args, start, queue)`` at once: each builds its
    input, puts "ready" on the queue and waits for ``start``, then puts its figures (sent,
    wall, cpu, rss); the sum of what they sent, the longest wall, the sum of their CPU."""
    context = multiprocessing.get_context("spawn")
    queue, start = context.Queue(), context.Event()
    children = [context.Process(target=target, args=(*args, start, queue))
                for _ in range(processes)]
    for child in children:
        child.start()
    for _ in children:
        assert queue.get(timeout=600) == "ready"
    start.set()
    parts = [queue.get(timeout=3600) for _ in children]
    for child in children:
        child.join(30)
    return {"sent": sum(p["sent"] for p in parts), "wall": max(p["wall"] for p in parts),
            "cpu": sum(p["cpu"] for p in parts), "rss": max(p["rss"] for p in parts)}


def _crypto_child(count: int, queue) -> None:
    from server.push import encrypt

    keys = synth.key_pool(50)
    cpu, started = time.process_time(), time.perf_counter()
    for i in range(count):
        encrypt(PAYLOAD, *keys[i % 50])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    queue.put({"sent": count, "wall": wall, "cpu": cpu, "rss": common.self_peak_rss_mb()})


def in_child(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    proc = context.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get(timeout=3600)
    proc.join(30)
    return result


# -- (c) the project's fan-out through Celery workers -----------------------------------------


class Workers:
    def __init__(self, count: int, env: dict, logdir: Path, pool: str = "solo") -> None:
        self.procs, self.logs = [], []
        name, _, concurrency = pool.partition(":")
        for i in range(count):
            log = logdir / f"worker-{count}-{i}.log"
            command = [sys.executable, "-m", "celery", "-A", "server.celery_app:celery",
                       "worker", "--pool", name, "--loglevel", "WARNING",
                       *(["--concurrency", concurrency] if concurrency else []),
                       "--hostname", f"bench{count}-{i}-{os.getpid()}@%h", "--without-gossip",
                       "--without-mingle", "--without-heartbeat"]
            out = open(log, "wb")  # noqa: SIM115
            self.procs.append(subprocess.Popen(command, cwd=common.ROOT,  # noqa: S603
                                               env={**os.environ, **env}, stdout=out,
                                               stderr=subprocess.STDOUT, start_new_session=True))
            self.logs.append((log, out))

    def wait_ready(self, env: dict, timeout: float = 60) -> None:
        # --loglevel WARNING hides "ready": ask the broker who consumes instead.
        deadline = time.monotonic() + timeout
        command = [sys.executable, "-m", "celery", "-A", "server.celery_app:celery", "inspect",
                   "ping", "--timeout", "2"]
        while time.monotonic() < deadline:
            out = subprocess.run(command, cwd=common.ROOT, env={**os.environ, **env},  # noqa: S603
                                 capture_output=True, text=True, timeout=60).stdout
            if len(re.findall(r"pong", out)) >= len(self.procs):
                return
            time.sleep(0.5)
        raise RuntimeError("workers did not start: " + self.logs[0][0].read_text()[-2000:])

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        for _, out in self.logs:
            out.close()


def database_backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving the benchmark database (their title names it)."""
    name = pgdb.database_of(url)
    pids = []
    for proc in psutil.process_iter(["username", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if proc.info["username"] == "postgres" and f" {name} " in cmdline:
            pids.append(proc.pid)
    return pids


class BackendMeter:
    """CPU of the database's backends: those alive at the start and those that appear later."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.start = {pid: _cpu_of(pid) for pid in database_backends(url)}

    def cpu(self) -> float:
        return sum(_cpu_of(pid) - self.start.get(pid, 0.0) for pid in database_backends(self.url))


def _cpu_of(pid: int) -> float:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return times.user + times.system


def celery_fanout(app, env: dict, origin: str, workers: int, devices: int, logdir: Path,
                  verbose: bool, pool_kind: str = "solo", receiver_pid: int | None = None,
                  url: str = "") -> dict:
    from sqlalchemy import text

    from server.db import db

    with app.app_context():
        db.session.execute(text("UPDATE devices SET endpoint = :o || '/push/' || id"),
                           {"o": origin})
        alert = common.create_alert([{"kind": "country", "code": "TH"}], severity="Severe")
        alert_id = alert.id
        db.session.commit()
        # The UPDATE above and earlier runs left dead rows, which autovacuum would clear in
        # production; CI's PostgreSQL here runs with autovacuum = off, so the setup does it.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) devices, deliveries"))
    return run_workers(app, env, alert_id, workers, logdir, verbose, pool_kind, receiver_pid,
                       url)


def run_workers(app, env: dict, alert_id: int, workers: int, logdir: Path, verbose: bool,
                pool_kind: str = "solo", receiver_pid: int | None = None, url: str = "") -> dict:
    """Start ``workers`` Celery workers, send the approved alert ``alert_id`` (its
    ``send_alert`` task) and wait until none of its deliveries is pending: wall time, the
    workers' CPU, the receiver's (push service, SMTP sink) and the database's."""
    from sqlalchemy import func, select

    from server.alerts.models import Alert
    from server.broadcast import tasks
    from server.broadcast.models import Delivery, DeliveryBatch
    from server.celery_app import bound
    from server.db import db

    pool = Workers(workers, env, logdir, pool_kind)
    try:
        pool.wait_ready(env)
        meter = common.ProcessMeter([p.pid for p in pool.procs])
        receiver = common.ProcessMeter([receiver_pid] if receiver_pid else [])
        database = BackendMeter(url)
        machine_cpu = psutil.cpu_times()
        started = time.perf_counter()
        with app.app_context():
            bound(tasks.send_alert).delay(alert_id)
        materialized, left_then = None, None
        deadline = started + 3600
        # The poll shares the database with the run: it counts the alert's open batches (a
        # few hundred rows), not its deliveries (no index holds their state: at 1,000,000 rows
        # a count took 0.2 s, most of a core). The pending deliveries are counted once, when
        # materialization ends (the push overlaps it, by chunks: what is left then).
        still_open = select(func.count()).where(DeliveryBatch.alert_id == alert_id,
                                                DeliveryBatch.done_at.is_(None))
        pending = select(func.count()).where(Delivery.alert_id == alert_id,
                                             Delivery.state == "pending")
        while time.perf_counter() < deadline:
            time.sleep(0.25)
            with app.app_context():
                if materialized is None:
                    state = db.session.scalar(select(Alert.state).where(Alert.id == alert_id))
                    if state == "sent":
                        materialized = time.perf_counter() - started
                        left_then = db.session.scalar(pending)
                left = db.session.scalar(still_open) if materialized is not None else None
                db.session.rollback()
            if verbose:
                print(f"    {time.perf_counter() - started:6.1f} s open batches: {left}",
                      flush=True)
            if left == 0:
                break
        wall = time.perf_counter() - started
        cpu = meter.cpu()
        receiver_cpu, database_cpu = receiver.cpu(), database.cpu()
        with app.app_context():
            rows = dict(db.session.execute(
                select(Delivery.state, func.count()).where(Delivery.alert_id == alert_id)
                .group_by(Delivery.state)).all())
            db.session.rollback()
        after = psutil.cpu_times()
        busy = sum(getattr(after, f) - getattr(machine_cpu, f)
                   for f in ("user", "system", "nice", "irq", "softirq"))
        rss = meter.peak_rss_mb()
    finally:
        pool.stop()
    return {"sent": rows.get("sent", 0), "other": {k: v for k, v in rows.items() if k != "sent"},
            "wall": wall, "cpu": cpu, "rss": max(rss), "rss_each": rss,
            "materialize": materialized or float("nan"), "left_then": left_then or 0,
            "receiver_cpu": receiver_cpu, "database_cpu": database_cpu,
            "machine_busy": busy / (wall * psutil.cpu_count())}


def prepare_database(url: str, devices: int, reuse: bool) -> None:
    pgdb.ensure(url)
    if reuse and synth.table_count(url, "devices") == devices:
        print(f"  reusing {devices} devices in {pgdb.database_of(url)}")
        return
    synth.reset_schema(url)
    app = common.make_app(common.bench_env(url), migrate=True)
    del app
    synth.generate_present(url, devices, "TH")


def production_trust_store(cert: str, directory: Path) -> str:
    """requests' default CA bundle (certifi) with the benchmark's certificate appended."""
    import certifi

    path = directory / "trust-store.pem"
    path.write_bytes(Path(certifi.where()).read_bytes() + b"\n" + Path(cert).read_bytes())
    return str(path)


def rate(result: dict) -> float:
    return result["sent"] / result["wall"]


def summary(name: str, result: dict, naive_rate: float, floor: dict) -> str:
    """One run's ratios (to the naive loop's mean rate, to the crypto floor) and, for a
    Celery run, where the machine's CPU went."""
    cpu_ratio = (result["cpu"] / max(result["sent"], 1)) / (floor["cpu"] / floor["sent"])
    text = (f"- {name}: {rate(result) / naive_rate:,.1f}x the naive loop ({naive_rate:,.0f} "
            f"msg/s, mean of before and after); sender CPU {cpu_ratio:.2f}x the crypto floor")
    if "materialize" not in result:
        return text + f"; {common.load()}"
    sent = max(result["sent"], 1)
    after = result["left_then"] / max(result["wall"] - result["materialize"], 1e-9)
    meanwhile = result["sent"] - result["left_then"]
    return (text + f"; materialization {result['materialize']:.1f} s ({meanwhile:,} pushed "
            f"meanwhile), then {after:,.0f} msg/s; push service "
            f"{result['receiver_cpu'] / sent * 1e6:.0f} and PostgreSQL "
            f"{result['database_cpu'] / sent * 1e6:.0f} µs CPU/message; machine CPU busy "
            f"{result['machine_busy']:.0%}, {common.load()}; RSS per worker "
            f"{', '.join(f'{r:.0f}' for r in result['rss_each'])} MB; "
            f"not sent: {result['other'] or 'none'}")


def row(name: str, result: dict) -> str:
    n = result["sent"]
    return (f"| {name} | {n:,} | {result['wall']:.1f} | {n / result['wall']:,.0f} | "
            f"{result['cpu'] / max(n, 1) * 1e6:,.0f} | {result['rss']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=100_000, help="recipients of (c)")
    parser.add_argument("--naive", type=int, default=2000, help="sample size of (a) over HTTP")
    parser.add_argument("--naive-tls", type=int, default=None,
                        help="sample size of (a) over TLS (default: --naive / 4)")
    parser.add_argument("--crypto", type=int, default=20_000, help="messages of (b)")
    parser.add_argument("--sender", type=int, default=20_000, help="messages of (d)")
    parser.add_argument("--workers", default="1,2", help="worker counts for (c)")
    parser.add_argument("--pool", default="solo",
                        help="each worker's pool: solo, or prefork:N / threads:N (concurrency N)")
    parser.add_argument("--transports", default="http,tls")
    parser.add_argument("--database-url", default=pgdb.with_database(
        common.DEFAULT_SERVER, "h_fanout_bench"))
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--reuse", action="store_true", help="keep the devices of a former run")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    naive_tls = args.naive_tls or max(50, args.naive // 4)

    from server.push import generate_vapid_keypair

    vapid_key = generate_vapid_keypair()[0]
    print(f"machine: {common.machine()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    cert, key = __import__("bench.receiver", fromlist=["self_signed"]).self_signed(str(tmp))
    trust_store = production_trust_store(cert, tmp)
    receivers = {}
    try:
        for transport in args.transports.split(","):
            proc, port = start_receiver((cert, key) if transport == "tls" else None)
            scheme = "https" if transport == "tls" else "http"
            receivers[transport] = (proc, f"{scheme}://127.0.0.1:{port}")
        lines = ["| sender | messages | seconds | messages/s | sender CPU µs/message | "
                 "peak RSS MB |", "|---|---:|---:|---:|---:|---:|"]

        print(f"(b) crypto floor: {args.crypto} messages on one core")
        floor = in_child(_crypto_child, args.crypto)
        lines.append(row("(b) crypto floor, 1 core", floor))
        print("  " + lines[-1], flush=True)

        print(f"(c) Celery fan-out: {args.devices} devices in {args.database_url}")
        prepare_database(args.database_url, args.devices, args.reuse)
        env = common.bench_env(args.database_url, args.broker, vapid_key)
        env["SSL_CERT_FILE"] = trust_store  # loaded once per worker
        app = common.make_app(env)
        extra = []
        pool_note = "" if args.pool == "solo" else f" ({args.pool})"
        for transport, (receiver, origin) in receivers.items():
            # The naive sample is taken before and after this transport's runs, and the
            # ratios use the mean of the two rates: this machine's speed drifts by tens of
            # per cent within minutes, and one sample taken minutes earlier would carry it.
            count = args.naive if transport == "http" else naive_tls
            store = trust_store if transport == "tls" else None
            print(f"(a) naive pywebpush loop over {transport}: a sample of {count}, before")
            before = in_child(_naive_child, origin, count, store, vapid_key)
            lines.append(row(f"(a) naive loop, {transport}, before", before))
            print("  " + lines[-1], flush=True)
            if transport == "tls":  # reference only: the handshake without the store's cost
                lines.append(row("(a) naive loop, tls, one-certificate trust store",
                                 in_child(_naive_child, origin, count, cert, vapid_key)))
                print("  " + lines[-1], flush=True)
            runs = []
            print(f"(d) the sender alone, 2 processes: {args.sender} messages")
            alone = senders_alone(origin, args.sender, 2, vapid_key)
            runs.append((f"(d) PushSender alone, 2 processes, no database, {transport}", alone))
            lines.append(row(runs[-1][0], alone))
            print("  " + lines[-1], flush=True)
            for workers in [int(w) for w in args.workers.split(",")]:
                result = celery_fanout(app, env, origin, workers, args.devices, tmp,
                                       args.verbose, args.pool, receiver.pid, args.database_url)
                name = (f"(c) Celery, {workers} worker{'s' if workers > 1 else ''}{pool_note}, "
                        f"{transport}")
                runs.append((name, result))
                lines.append(row(name, result))
                print("  " + lines[-1], flush=True)
            print(f"(a) naive pywebpush loop over {transport}: a sample of {count}, after")
            after = in_child(_naive_child, origin, count, store, vapid_key)
            lines.append(row(f"(a) naive loop, {transport}, after", after))
            print("  " + lines[-1], flush=True)
            naive_rate = (rate(before) + rate(after)) / 2
            for name, result in runs:
                extra.append(summary(name, result, naive_rate, floor))
                print("  " + extra[-1], flush=True)
        print("\n" + "\n".join(lines) + "\n\n" + "\n".join(extra))
    finally:
        for proc, _ in receivers.values():
            stop(proc)


if __name__ == "__main__":
    main()
