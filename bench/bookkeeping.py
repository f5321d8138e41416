"""PostgreSQL's CPU per delivery, statement by statement: the fan-out's own tasks with the push
itself stubbed out (every push answers 201 at once), so only the bookkeeping is left.

    .venv/bin/python -m bench.bookkeeping        # after bench.fanout prepared its database

One alert to the devices ``bench/fanout.py`` left in its database: ``send_alert`` (materialize
by chunks, ANALYZE, enqueue) with the broker replaced by a list, then every batch through
``deliver_batch`` in this process. The CPU is the database backend's own, read from
``/proc/<pid>/schedstat`` (nanoseconds) around each step: materialization, the claim, the device
lookup, the results (with their commit) and the rest of the task; divided by the deliveries.
The deliveries stay (as after a fan-out); run ``bench.fanout`` again, it empties nothing either.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from contextlib import contextmanager

from bench import common, pgdb

STEPS = ("materialize", "claim", "devices", "results", "rest of the task")


def _backend_ns(pid: int) -> int:
    with open(f"/proc/{pid}/schedstat") as stat:
        return int(stat.read().split()[0])


class Meter:
    """Backend CPU per step, measured around functions of the app (monkeypatched)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.ns, self.depth = pid, defaultdict(int), 0

    @contextmanager
    def step(self, name: str):
        self.depth += 1
        start = _backend_ns(self.pid)
        try:
            yield
        finally:
            self.depth -= 1
            self.ns[name] += _backend_ns(self.pid) - start

    def wrap(self, owner, attribute: str, name: str) -> None:
        original = getattr(owner, attribute)

        def measured(*args, **kwargs):
            with self.step(name):
                return original(*args, **kwargs)

        setattr(owner, attribute, measured)


class _Instant:
    """A push service that answers 201 to everything, at once, without a request."""

    def send(self, messages):
        from server.sending import SendResult

        return [SendResult(m.id, 201, "sent") for m in messages]


class _Queue:
    """The broker: tasks are collected, then run in this process."""

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, task):
        queue = self

        class Bound:
            def delay(self, *args):
                queue.calls.append((task, args))

            def apply_async(self, args, countdown=None):
                queue.calls.append((task, args))

        return Bound()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=pgdb.with_database(
        common.DEFAULT_SERVER, "h_fanout_bench"))
    args = parser.parse_args()

    from sqlalchemy import func, select, text

    from server.broadcast import tasks
    from server.broadcast.channels import webpush
    from server.broadcast.models import Delivery
    from server.db import db

    app = common.make_app(common.bench_env(args.database_url, "memory://"))
    print(f"machine: {common.machine()}")
    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) devices, deliveries"))
        alert_id = common.create_alert([{"kind": "country", "code": "TH"}],
                                       severity="Severe").id
        db.session.commit()
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.commit()
        meter, queue = Meter(pid), _Queue()
        tasks.bound = queue
        import server.devices.keys

        server.devices.keys.sender = _Instant
        meter.wrap(tasks, "_claim", "claim")
        meter.wrap(webpush, "_subscriptions", "devices")
        meter.wrap(tasks, "_apply_results", "results")
        started = time.perf_counter()
        with meter.step("materialize"):
            tasks.send_alert.run(alert_id)
        materialized = time.perf_counter() - started
        done = 0
        with meter.step("task"):
            while queue.calls:
                task, call = queue.calls.pop(0)
                if task.name == "broadcast.deliver_batch":
                    task.run(*call)
                    done += 1
        wall = time.perf_counter() - started
        assert pid == db.session.scalar(text("SELECT pg_backend_pid()")), "one connection"
        states = dict(db.session.execute(select(Delivery.state, func.count())
                                         .where(Delivery.alert_id == alert_id)
                                         .group_by(Delivery.state)).all())
        updates = db.session.execute(text(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
            "WHERE relname = 'deliveries'")).one()
        db.session.rollback()
    meter.ns["rest of the task"] = meter.ns.pop("task") - sum(
        meter.ns[s] for s in ("claim", "devices", "results"))
    rows = sum(states.values())
    print(f"alert {alert_id}: {rows:,} deliveries {states}, {done} batches; materialized in "
          f"{materialized:.1f} s, {wall:.1f} s in all; deliveries updated so far "
          f"{updates[0]:,}, of which HOT {updates[1]:,}; {common.load()}")
    print("| step | PostgreSQL CPU µs per delivery |\n|---|---:|")
    for name in STEPS:
        print(f"| {name} | {meter.ns[name] / rows / 1e3:.1f} |")
    print(f"| **all** | **{sum(meter.ns.values()) / rows / 1e3:.1f}** |")


if __name__ == "__main__":
    main()
