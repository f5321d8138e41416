"""Hazard events at scale on PostgreSQL: from one feed poll of N earthquakes to every event's
count of people stored, against drawing and counting each area through the audience preview
one by one, in one run.

    .venv/bin/python -m bench.hazards --travelers 1000000 --events 1000 --reuse   # the issue's size
    .venv/bin/python -m bench.hazards --travelers 50000 --events 100              # < 1 minute

The feed is a USGS GeoJSON summary document (the format ``server/hazards/formats/usgs.py``
reads) of ``--events`` earthquakes, magnitude 4.5 to 7.5, each at a place where the synthetic
travelers stay (``bench/synth.py``, the same database as ``bench/audience.py``). The poll is
what the beat task does: ``ingest`` the document, then ``count_events`` over the changed ids in
``COUNT_BATCH`` batches, here in ``--workers`` processes as the Celery workers would.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor

from bench import common, pgdb


def feed_document(url: str, events: int, seed: int = 11) -> bytes:
    """``events`` quakes at the positions of randomly drawn stays."""
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(url) as conn:
        places = conn.execute("SELECT lat, lon FROM legs WHERE lat IS NOT NULL "
                              "ORDER BY random() LIMIT %s", (events,)).fetchall()
    now_ms = int(time.time() * 1000)
    features = [{
        "type": "Feature", "id": f"bench{n:05d}",
        "properties": {"mag": round(rng.uniform(4.5, 7.5), 1), "time": now_ms - n * 1000,
                       "updated": now_ms, "title": f"M bench quake {n}",
                       "alert": rng.choice(["green", "yellow", "orange", "red"])},
        "geometry": {"type": "Point", "coordinates": [lon + rng.gauss(0, 0.05),
                                                      lat + rng.gauss(0, 0.05), 10.0]},
    } for n, (lat, lon) in enumerate(places)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _count_batch(args: tuple[dict, list[int]]) -> float:
    """One counting task, in a worker process: returns its CPU seconds."""
    env, ids = args
    app = _worker_app(env)
    started = time.process_time()
    with app.app_context():
        from server.hazards.tasks import count_events

        count_events.run(ids)
    return time.process_time() - started


_APP = None


def _worker_app(env: dict):
    global _APP
    if _APP is None:
        _APP = common.make_app(env)
    return _APP


def poll(app, env: dict, body: bytes, workers: int) -> tuple[float, float, list[int], float]:
    """(seconds from the poll to every count stored, ingest seconds, event ids, counting CPU
    seconds of the workers)."""
    from server.db import db
    from server.hazards.ingest import ingest
    from server.hazards.tasks import COUNT_BATCH

    started = time.perf_counter()
    with app.app_context():
        ids = ingest("bench", "usgs", body)["changed"]
        db.session.commit()
    ingested = time.perf_counter() - started
    batches = [(env, ids[i:i + COUNT_BATCH]) for i in range(0, len(ids), COUNT_BATCH)]
    with ProcessPoolExecutor(workers) as pool:
        cpu = sum(pool.map(_count_batch, batches))
    return time.perf_counter() - started, ingested, ids, cpu


def naive(app, ids: list[int]) -> tuple[float, int]:
    """An officer's way today: each event's area drawn as an alert, counted by the preview."""
    from sqlalchemy import select

    from server.broadcast import audience
    from server.db import db
    from server.hazards.models import HazardEvent

    with app.app_context():
        events = db.session.scalars(select(HazardEvent).where(HazardEvent.id.in_(ids))).all()
        started, people = time.perf_counter(), 0
        for event in events:
            alert = common.create_alert([dict(area) for area in event.areas])
            people += audience.preview(alert)["travelers"]
        db.session.rollback()
        return time.perf_counter() - started, people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--travelers", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive", type=int, default=100,
                        help="events counted one by one through the preview (the rate is "
                             "extrapolated to --events)")
    parser.add_argument("--database-url",
                        default=pgdb.with_database(common.DEFAULT_SERVER, "compatriot_bench"))
    parser.add_argument("--reuse", action="store_true",
                        help="keep the travelers of a former run of the same size")
    args = parser.parse_args()
    url = args.database_url
    print(f"machine: {common.machine()}")
    common.travelers_database(url, args.travelers, args.reuse)
    env = common.bench_env(url)
    app = common.make_app(env, migrate=True)
    with app.app_context():
        from sqlalchemy import delete

        from server.db import db
        from server.hazards.models import HazardEvent

        db.session.execute(delete(HazardEvent).where(HazardEvent.feed == "bench"))
        db.session.commit()
    body = feed_document(url, args.events)
    os.environ.update(env)
    total, ingested, ids, cpu = poll(app, env, body, args.workers)
    with app.app_context():
        from sqlalchemy import func, select

        counted = db.session.scalar(select(func.count()).select_from(HazardEvent).where(
            HazardEvent.id.in_(ids), HazardEvent.counted_at.is_not(None)))
        people = db.session.scalar(select(func.sum(
            HazardEvent.counts["people"].as_integer())).where(HazardEvent.id.in_(ids)))
    sample = ids[:args.naive]
    with app.app_context():
        sample_people = db.session.scalar(select(func.sum(
            HazardEvent.counts["people"].as_integer())).where(HazardEvent.id.in_(sample)))
    naive_seconds, naive_people = naive(app, sample)
    per_event = naive_seconds / max(1, len(sample))
    print(f"\n{common.load()}")
    print(f"{len(ids):,} events ({len(body) / 1e6:.1f} MB of GeoJSON) against "
          f"{args.travelers:,} travelers, {args.workers} counting processes")
    print(f"poll -> every count stored: {total:.1f} s (ingest {ingested:.1f} s; counting CPU "
          f"{cpu:.1f} s, {1000 * cpu / max(1, len(ids)):.1f} ms per event); "
          f"{counted:,} events counted, {people or 0:,} people in their areas")
    print(f"naive, each area through the audience preview one by one: {len(sample)} events in "
          f"{naive_seconds:.1f} s ({1000 * per_event:.1f} ms per event; {naive_people:,} people)"
          f" -> {per_event * len(ids):.1f} s for {len(ids):,} events")
    print(f"the same {len(sample)} events counted by the poll: {sample_people or 0:,} people"
          f" ({'the same' if sample_people == naive_people else 'NOT the same'})")


if __name__ == "__main__":
    main()
