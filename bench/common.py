"""What the benchmarks share: an app on a benchmark database, alerts, process measurements."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET_KEY = "bench-secret-key"  # noqa: S105  (a benchmark database, loopback only)


def machine() -> str:
    import platform

    memory = psutil.virtual_memory().total / 2 ** 30
    return (f"{psutil.cpu_count(logical=True)} cores, {memory:.0f} GiB RAM, "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; {load()}")


def load() -> str:
    """Other work on the machine skews wall times (CPU per message much less): say how much."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def bench_env(database_url: str, broker_url: str | None = None, vapid_key: str | None = None,
              instance: str | None = None) -> dict:
    """The environment a scaled-out process of the benchmark deployment gets."""
    env = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
           "PUSH_ALLOW_HTTP": "1", "PUSH_SERVICE_HOSTS": "",
           "COMPATRIOT_INSTANCE_PATH": instance or tempfile.mkdtemp(prefix="bench-instance-")}
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    if vapid_key:
        env["VAPID_PRIVATE_KEY"] = vapid_key
    return env


def web_env(database_url: str, tmp: Path, broker_url: str | None = None) -> dict:
    """``bench_env`` for gunicorn serving the load: its own keys, no rate limit (the load comes
    from one address, and what is measured is not the limiter)."""
    from server.crypto import new_key
    from server.push import generate_vapid_keypair

    env = bench_env(database_url, broker_url, generate_vapid_keypair()[0], str(tmp / "instance"))
    env.update({"FIELD_ENCRYPTION_KEYS": new_key(), "RATELIMIT_ENABLED": "0"})
    return env


def present_travelers(url: str, env: dict, devices: int, country: str, log=print) -> None:
    """A fresh, migrated database of travelers staying in ``country`` now (``bench/synth.py``),
    their trips' emergency contacts encrypted as the app keeps them."""
    import psycopg

    from bench import pgdb, synth
    from server.crypto import encrypt

    log(f"database {pgdb.database_of(url)}: fresh, flask db upgrade heads")
    pgdb.ensure(url, fresh=True)
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi:app", "db", "upgrade", "heads"],
                   cwd=ROOT, env={**os.environ, **env}, check=True,  # noqa: S603
                   capture_output=True)
    synth.generate_present(url, devices, country, log=log)
    keys = (env["FIELD_ENCRYPTION_KEYS"],)
    with psycopg.connect(url) as conn:
        # bench/synth.py writes the emergency contact in clear; the app keeps it encrypted.
        conn.execute("UPDATE trips SET emergency_contact_name = %s, emergency_contact_phone = %s",
                     (encrypt("Home contact", keys), encrypt("+8613900139000", keys)))


def make_app(env: dict, migrate: bool = False):
    """The real app, configured from ``env`` as a deployment would be."""
    os.environ.update(env)
    from server import create_app

    app = create_app()
    if migrate:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade(revision="heads")
    return app


def create_alert(areas: list[dict], *, hours: int = 6, severity: str = "Moderate"):
    """An approved alert (ORM, in the current app context), texts in two languages; flushed."""
    from server.alerts.models import Alert
    from server.broadcast import areas as area_rules
    from server.broadcast.models import MessageArea, MessageText
    from server.db import db, utcnow

    now = utcnow()
    alert = Alert(identifier=str(uuid.uuid4()), sender="bench@example.org", status="Exercise",
                  msg_type="Alert", category="Safety", event="Benchmark", urgency="Immediate",
                  severity=severity, certainty="Observed", effective=now,
                  expires=now + timedelta(hours=hours), state="approved")
    alert.texts = [
        MessageText(language="en", headline="Stay indoors",
                    description="Protests downtown; avoid the area around the parliament."),
        MessageText(language="zh_Hans", headline="请待在室内",
                    description="市中心有抗议活动，请避开议会周边。"),
    ]
    for data in areas:
        area = MessageArea(**data)
        box = area_rules.bounding_box(area.kind, area.lat, area.lon, area.radius_km, area.ring)
        if box:
            area.min_lat, area.max_lat, area.min_lon, area.max_lon = box
        alert.areas.append(area)
    db.session.add(alert)
    db.session.flush()
    return alert


def session_cookies(app, user_ids: list[int], user_agent: str, *, path: str = "/api/sos",
                    begin=None) -> list[tuple[str, str]]:
    """(Cookie header, X-CSRFToken) per user, as ``login_user`` + ``generate_csrf`` make them
    with the app's own session serializer (signing in thousands of users is rate limited and
    not what is measured). ``begin``, if given, runs right after ``login_user`` in the same
    request, for what a sign-in adds to the session (a staff session's start)."""
    from flask import g, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from server.accounts.models import User
    from server.db import db

    out = []
    name = app.config["SESSION_COOKIE_NAME"]
    serializer = app.session_interface.get_signing_serializer(app)
    with app.app_context():
        users = {u.id: u for u in db.session.query(User).filter(User.id.in_(user_ids))}
        for uid in user_ids:
            with app.test_request_context(path, method="POST", headers={"User-Agent": user_agent},
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                g.pop("csrf_token", None)  # one app context: generate_csrf caches in g
                login_user(users[uid])
                if begin:
                    begin()
                token = generate_csrf()
                cookie = serializer.dumps(dict(session))
            out.append((f"{name}={cookie}", token))
    return out


def sos_body(i: int) -> dict:
    """The i-th SOS of a load: a fresh client_uuid, two out of three with a position near
    Bangkok."""
    body = {"client_uuid": str(uuid.uuid4()),
            "raised_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "message": "Help: caught in the protest downtown"}
    if i % 3:
        body["lat"], body["lon"] = 13.75 + (i % 100) / 1000, 100.50 + (i % 70) / 1000
    return body


async def open_loop(rate: float, seconds: float, fire) -> list[asyncio.Task]:
    """Open-loop load: ``fire(i, scheduled)`` is started at ``start + i / rate`` whatever the
    server does (a slow server shows as latency, not as a lower rate); returns the tasks."""
    loop = asyncio.get_running_loop()
    tasks, count = [], int(rate * seconds)
    start = loop.time() + 0.1
    for i in range(count):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(i, scheduled)))
    return tasks


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + log.read_text()[-2000:])
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer: " + log.read_text()[-2000:])


def start_gunicorn(env: dict, tmp: Path, workers: int, threads: int = 0
                   ) -> tuple[subprocess.Popen, str]:
    """gunicorn serving ``wsgi:app`` on a free loopback port, in its own process group, logging
    to ``tmp/gunicorn.log``: sync workers, or gthread workers with ``threads`` threads each.
    Returns the process and the base URL once it answers."""
    port = free_port()
    worker_class = ["--worker-class", "gthread", "--threads", str(threads)] if threads else []
    log = tmp / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
             f"127.0.0.1:{port}", "--backlog", "2048", *worker_class, "wsgi:app"],
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/api/alerts", proc, log)
    except BaseException:
        stop_group(proc)
        raise
    return proc, base


def stop_group(proc: subprocess.Popen) -> None:
    """Stop a process started with ``start_new_session`` and everything in its group."""
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(10)


class ProcessMeter:
    """CPU seconds and peak RSS of a set of processes (and their children)."""

    def __init__(self, pids: list[int]) -> None:
        self.procs = [psutil.Process(pid) for pid in pids]
        self.start = self._cpu()

    def _tree(self):
        for proc in self.procs:
            try:
                yield proc
                yield from proc.children(recursive=True)
            except psutil.NoSuchProcess:
                continue

    def _cpu(self) -> float:
        total = 0.0
        for proc in self._tree():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def cpu(self) -> float:
        return self._cpu() - self.start

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (peak resident set) of each process tree's largest member, in MB."""
        peaks = []
        for proc in self.procs:
            best = 0
            try:
                for member in [proc, *proc.children(recursive=True)]:
                    best = max(best, _vm_hwm(member.pid))
            except psutil.NoSuchProcess:
                pass
            peaks.append(best / 2 ** 20)
        return peaks


def _vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def self_peak_rss_mb() -> float:
    return _vm_hwm(os.getpid()) / 2 ** 20


class Timer:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


def travelers_database(url: str, travelers: int, reuse: bool) -> None:
    """The synthetic travelers (``bench/synth.py``) in a migrated database: those of a former
    run of the same size if ``reuse`` (its alerts dropped), else generated afresh."""
    from bench import pgdb, synth

    pgdb.ensure(url)
    if reuse and synth.table_count(url, "users") == travelers:
        synth.clear_alerts(url)
        return
    synth.reset_schema(url)
    make_app(bench_env(url), migrate=True)
    synth.generate(url, travelers)
