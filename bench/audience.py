"""Audience at scale on PostgreSQL: counting a country, a 50 km circle and a polygon, and
materializing the country's deliveries, with the project's SQL (``server/broadcast/audience.py``)
against the naive way (load the rows into Python and filter), in one run.

    .venv/bin/python -m bench.audience --travelers 1000000     # the issue's size (~2 min to load)
    .venv/bin/python -m bench.audience --travelers 50000       # < 1 minute

Data (``bench/synth.py``, seeded): 1.3 devices and 2 trips per traveler, 200 countries with a
Zipf head (Thailand first), 30 % sharing their location. Own database: ``compatriot_bench``.
"""
from __future__ import annotations

import argparse
import statistics
import time

from bench import common, pgdb, synth

CIRCLE = {"kind": "circle", "lat": synth.HEAD_CITY[0], "lon": synth.HEAD_CITY[1],
          "radius_km": 50.0}
POLYGON = {"kind": "polygon", "ring": [[14.6, 99.9], [14.4, 101.2], [13.2, 101.4], [12.9, 100.6],
                                       [13.3, 99.7], [14.6, 99.9]]}  # the Bangkok region
AREAS = {"country TH": [{"kind": "country", "code": "TH"}], "circle 50 km": [CIRCLE],
         "polygon": [POLYGON]}


def timed(fn, repeat: int = 3) -> tuple[float, float, object]:
    """(first run, median of the runs, result) in seconds."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times), result


def explain(statement) -> str:
    """EXPLAIN ANALYZE of a statement as the app runs it (same work_mem)."""
    from sqlalchemy.dialects import postgresql

    from server.broadcast import audience
    from server.db import db

    compiled = statement.compile(dialect=postgresql.dialect(),
                                compile_kwargs={"render_postcompile": True})
    audience.make_room_to_hash()
    connection = db.session.connection()
    rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + str(compiled),
                                      compiled.params).all()
    return "\n".join(r[0] for r in rows)


def explain_materialize(alert) -> str:
    """EXPLAIN ANALYZE of the materializing INSERT (rolled back afterwards by the caller):
    where the time goes, foreign-key triggers included."""
    from sqlalchemy.sql.dml import Insert

    from server.broadcast import audience
    from server.db import db

    plans = []
    execute = db.session.execute

    def capture(statement, *args, **kwargs):
        if not isinstance(statement, Insert):
            return execute(statement, *args, **kwargs)
        plans.append(explain(statement))
        return type("Result", (), {"rowcount": 0})()

    db.session.execute = capture
    try:
        audience.materialize(alert)
    finally:
        db.session.execute = execute
    return plans[-1]


def summary(plan: str) -> list[str]:
    """The plan lines that show index use, the foreign-key triggers and the total time."""
    keep = ("Index", "Bitmap", "Seq Scan", "Trigger", "Execution Time")
    return [line.strip() for line in plan.splitlines()
            if any(word in line for word in keep) and "Cond:" not in line]


def naive_count(url: str, code: str) -> tuple[int, int]:
    """Everything into Python, then filter: travelers and devices of a country today."""
    from datetime import date

    import psycopg

    today = date.today()
    with psycopg.connect(url) as conn:
        users = {user for user, country, start, end in
                 conn.execute("SELECT user_id, country, start_date, end_date FROM legs")
                 if country == code and start <= today and (end is None or end >= today)}
        devices = sum(1 for (user,) in conn.execute("SELECT user_id FROM devices")
                      if user in users)
    return len(users), devices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--travelers", type=int, default=1_000_000)
    parser.add_argument("--database-url",
                        default=pgdb.with_database(common.DEFAULT_SERVER, "compatriot_bench"))
    parser.add_argument("--reuse", action="store_true",
                        help="keep the travelers of a former run of the same size (its alerts "
                             "and deliveries are dropped); run `flask db upgrade` on it first "
                             "if migrations were added since")
    parser.add_argument("--explain", action="store_true",
                        help="print the full plans, and EXPLAIN the materializing INSERT too")
    args = parser.parse_args()
    url = args.database_url
    print(f"machine: {common.machine()}")
    common.travelers_database(url, args.travelers, args.reuse)
    app = common.make_app(common.bench_env(url))

    from sqlalchemy import func, select

    from server.broadcast import audience
    from server.broadcast.models import Delivery
    from server.db import db

    lines = ["| area | travelers | devices | count, first (s) | count, median of 3 (s) |",
             "|---|---:|---:|---:|---:|"]
    plans = {}
    with app.app_context():
        for name, areas in AREAS.items():
            alert = common.create_alert(areas)
            first, median, counts = timed(lambda alert=alert: audience.preview(alert))
            lines.append(f"| {name} | {counts['travelers']:,} | {counts['devices']:,} | "
                         f"{first:.3f} | {median:.3f} |")
            print(lines[-1], flush=True)
            plans[name] = explain(audience.preview_query(alert))
        db.session.rollback()

        alert = common.create_alert(AREAS["country TH"])
        db.session.commit()
        started = time.perf_counter()
        audience.materialize(alert)
        db.session.commit()
        materialize = time.perf_counter() - started
        created = db.session.scalar(select(func.count()).select_from(Delivery)
                                    .where(Delivery.alert_id == alert.id))
        if args.explain:
            plans["materialize country TH (rolled back)"] = explain_materialize(
                common.create_alert(AREAS["country TH"]))
            db.session.rollback()
    print(f"materialized {created:,} deliveries for the country in {materialize:.2f} s")

    started = time.perf_counter()
    travelers, devices = naive_count(url, "TH")
    naive = time.perf_counter() - started
    print(f"naive (all legs and devices into Python, filtered there): {travelers:,} travelers, "
          f"{devices:,} devices in {naive:.2f} s")

    print(f"\n{common.load()}\n" + "\n".join(lines))
    print(f"\nmaterialize (INSERT ... SELECT) country TH: {created:,} rows in {materialize:.2f} s")
    print(f"naive count country TH: {naive:.2f} s")
    for name, plan in plans.items():
        print(f"\nEXPLAIN ANALYZE, {name}: scans, triggers, time:")
        print("\n".join("  " + line for line in summary(plan)))
        if args.explain:
            print(plan)


if __name__ == "__main__":
    main()
