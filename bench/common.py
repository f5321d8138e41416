"""What the benchmarks share: an app on a benchmark database, alerts, process measurements."""
from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import timedelta
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
    from server.alerts.models import Alert, AlertArea, AlertText
    from server.broadcast import areas as area_rules
    from server.db import db, utcnow

    now = utcnow()
    alert = Alert(identifier=str(uuid.uuid4()), sender="bench@example.org", status="Exercise",
                  msg_type="Alert", category="Safety", event="Benchmark", urgency="Immediate",
                  severity=severity, certainty="Observed", effective=now,
                  expires=now + timedelta(hours=hours), state="approved")
    alert.texts = [
        AlertText(language="en", headline="Stay indoors",
                  description="Protests downtown; avoid the area around the parliament."),
        AlertText(language="zh_Hans", headline="请待在室内",
                  description="市中心有抗议活动，请避开议会周边。"),
    ]
    for data in areas:
        area = AlertArea(**data)
        box = area_rules.bounding_box(area.kind, area.lat, area.lon, area.radius_km, area.ring)
        if box:
            area.min_lat, area.max_lat, area.min_lon, area.max_lon = box
        alert.areas.append(area)
    db.session.add(alert)
    db.session.flush()
    return alert


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
