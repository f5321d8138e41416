"""SOS under a crisis surge: gunicorn (4 workers) on PostgreSQL, an open-loop aiohttp load of
SOS raises and alert-inbox reads on loopback, while an alert fans out to fake devices through
2 Celery workers on Redis to the loopback push receiver.

    .venv/bin/python -m bench.sos_surge --seconds 10 --sos-rate 50 --read-rate 100 \
        --fanout-devices 5000                                           # < 1 minute
    .venv/bin/python -m bench.sos_surge --seconds 60 --sos-rate 200 --read-rate 500 \
        --fanout-devices 100000                                         # the issue's size

Travelers (with a current trip in Thailand) and their devices are bulk-loaded with COPY
(``bench/synth.py``); their sessions are made with the app's own session serializer, exactly
what ``login_user`` puts in the cookie (sign-in is rate limited per address, and signing in
thousands of travelers is not what is measured), CSRF token included. The load is open loop:
request i starts at ``start + i / rate`` whatever the server does, so a slow server shows as
latency, not as a lower rate. Latency is measured from the scheduled start (coordinated
omission included). Every SOS has a fresh client_uuid; at the end the cases in the database
are compared with the accepted (201/200) answers: none may be missing.
"""
from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg

from bench import common, fanout, pgdb
from bench.common import percentile

UA = "compatriot-sos-surge/1"


def summary(name: str, latencies: list[float]) -> str:
    ms = [v * 1000 for v in latencies]
    return (f"{name}: n={len(ms)} p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} "
            f"ms, p99 {percentile(ms, 99):.1f} ms, max {max(ms, default=float('nan')):.1f} ms")


async def surge(base: str, creds: list[tuple[str, str]], seconds: float, sos_rate: float,
                read_rate: float, timeout: float, web_pids: list[int], sequential: int,
                start_fanout) -> dict:
    import aiohttp

    result = {"sos_when": [], "sos_service": [], "sos_status": Counter(),
              "accepted": set(), "read_lat": [], "read_status": Counter(), "sent_uuids": set(),
              "lag": [], "bodies": {}}
    connector = aiohttp.TCPConnector(limit=1000, force_close=True)  # gunicorn sync: no keep-alive
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout,
                                     headers={"User-Agent": UA}) as http:

        async def one_sos(i: int, scheduled: float) -> None:
            cookie, csrf = creds[i % len(creds)]
            body = common.sos_body(i)
            client_uuid = body["client_uuid"]
            result["sent_uuids"].add(client_uuid)
            started = loop.time()
            result["lag"].append(started - scheduled)
            try:
                async with http.post(f"{base}/api/sos", json=body,
                                     headers={"Cookie": cookie, "X-CSRFToken": csrf}) as resp:
                    text = await resp.read()
                    status = resp.status
                    if status >= 400:
                        result["bodies"].setdefault(status, text[:300])
            except TimeoutError:
                status = "timeout"
            except aiohttp.ClientError as exc:
                status = type(exc).__name__
            done = loop.time()
            result["sos_status"][status] += 1
            if status in (200, 201):
                result["accepted"].add(client_uuid)
                result["sos_when"].append((scheduled, done - scheduled))
                result["sos_service"].append(done - started)

        async def one_read(i: int, scheduled: float) -> None:
            cookie, _ = creds[(i * 7) % len(creds)]
            try:
                async with http.get(f"{base}/api/alerts?limit=20",
                                    headers={"Cookie": cookie}) as resp:
                    await resp.read()
                    status = resp.status
            except TimeoutError:
                status = "timeout"
            except aiohttp.ClientError as exc:
                status = type(exc).__name__
            result["read_status"][status] += 1
            if status == 200:
                result["read_lat"].append(loop.time() - scheduled)

        # Warm-up (not measured): every gunicorn worker imports and connects on its first requests.
        for round_ in range(3):
            await asyncio.gather(*[one_sos(round_ * 8 + i, loop.time()) for i in range(8)],
                                 *[one_read(i, loop.time()) for i in range(16)])
        # CPU per request, undisturbed: requests one at a time (SOS, then reads), each group's
        # web CPU divided by its size.
        result["cpu_per_request"] = {}
        for name, fire in (("SOS", one_sos), ("read", one_read)) if sequential else ():
            meter = common.ProcessMeter(web_pids)
            for i in range(sequential):
                await fire(1000 + i, loop.time())
            result["cpu_per_request"][name] = meter.cpu() / sequential
        result["warmup"] = set(result["accepted"])
        for key in ("sos_when", "sos_service", "read_lat", "lag"):
            result[key].clear()
        for key in ("sos_status", "read_status"):
            result[key].clear()
        result["accepted"].clear()
        await asyncio.sleep(0.5)
        # Web CPU from here on: the workers' start (imports, the geo index, first connections)
        # is not per-request cost.
        result["meter"] = common.ProcessMeter(web_pids)
        start_fanout()

        started = time.perf_counter()
        result["loop_started"] = loop.time()
        streams = await asyncio.gather(common.open_loop(sos_rate, seconds, one_sos),
                                       common.open_loop(read_rate, seconds, one_read))
        result["offered_wall"] = time.perf_counter() - started
        await asyncio.gather(*[t for tasks in streams for t in tasks])
        result["wall"] = time.perf_counter() - started
    return result


def deliveries(url: str, alert_id: int) -> dict:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM deliveries WHERE alert_id = %s "
                                 "GROUP BY state", (alert_id,)).fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sos-rate", type=float, default=200, help="SOS raised per second")
    parser.add_argument("--read-rate", type=float, default=500, help="GET /api/alerts per second")
    parser.add_argument("--fanout-devices", type=int, default=100_000,
                        help="devices the concurrent alert fans out to (0: no fan-out; at "
                        "least 1.3 x --travelers are loaded, and all get the alert)")
    parser.add_argument("--travelers", type=int, default=2000,
                        help="travelers raising SOS and reading their inbox (round robin)")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--web-threads", type=int, default=0,
                        help="> 0: gunicorn's gthread workers with this many threads each "
                        "(default: sync workers, as in the Procfile)")
    parser.add_argument("--celery-workers", type=int, default=2)
    parser.add_argument("--worker-niceness", type=int, default=None,
                        help="WORKER_NICENESS of the Celery workers (default: the app's)")
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--sequential", type=int, default=300,
                        help="before the surge, this many SOS then reads one at a time: web CPU "
                        "per request of each (0: skip)")
    parser.add_argument("--database-url", default=pgdb.with_database(
        common.DEFAULT_SERVER, "compatriot_bench_sos"))
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()

    print(f"machine: {common.machine()}", flush=True)
    url = args.database_url
    tmp = Path(tempfile.mkdtemp(prefix="bench-sos-"))
    env = common.web_env(url, tmp, args.broker)
    devices = max(args.fanout_devices, int(args.travelers * 1.3) + 10)
    common.present_travelers(url, env, devices, "TH", log=lambda m: print(m, flush=True))
    with psycopg.connect(url) as conn:
        users = [r[0] for r in conn.execute(
            "SELECT id FROM users ORDER BY id LIMIT %s", (args.travelers,))]
    app = common.make_app(env)
    creds = common.session_cookies(app, users, UA)
    print(f"  {len(creds)} traveler sessions", flush=True)

    procs: list[subprocess.Popen] = []
    pool = None
    receiver = None
    try:
        alert_id = None
        if args.fanout_devices:
            receiver, port = fanout.start_receiver(None)
            origin = f"http://127.0.0.1:{port}"
            with psycopg.connect(url) as conn:
                conn.execute("UPDATE devices SET endpoint = %s || '/push/' || id", (origin,))
            with app.app_context():
                from server.db import db

                alert_id = common.create_alert([{"kind": "country", "code": "TH"}],
                                               severity="Severe").id
                db.session.commit()
            niceness = ({} if args.worker_niceness is None
                        else {"WORKER_NICENESS": str(args.worker_niceness)})
            pool = fanout.Workers(args.celery_workers, {**env, **niceness}, tmp)
            pool.wait_ready(env)

        web, base = common.start_gunicorn(env, tmp, args.web_workers, args.web_threads)
        procs.append(web)
        fan: dict = {}

        def start_fanout() -> None:
            """Called by ``surge`` once the warm-up and the one-at-a-time requests are done."""
            fan["load_before"] = common.load()
            fan["started"] = time.perf_counter()
            if not alert_id:
                return
            import threading

            from server.broadcast import tasks
            from server.celery_app import bound

            with app.app_context():
                bound(tasks.send_alert).delay(alert_id)

            def watch() -> None:  # when the fan-out finished, polled every 0.5 s
                while "done" not in fan and time.perf_counter() - fan["started"] < 900:
                    rows = deliveries(url, alert_id)
                    if sum(rows.values()) >= devices and not rows.get("pending"):
                        fan["done"] = time.perf_counter() - fan["started"]
                    time.sleep(0.5)

            threading.Thread(target=watch, daemon=True).start()

        print(f"surge: {args.seconds:g} s, {args.sos_rate:g} SOS/s, {args.read_rate:g} reads/s"
              f", fan-out of {args.fanout_devices} devices running", flush=True)
        result = asyncio.run(surge(base, creds, args.seconds, args.sos_rate, args.read_rate,
                                   args.timeout, [p.pid for p in procs], args.sequential,
                                   start_fanout))
        load_before = fan["load_before"]
        load_after = common.load()
        web_cpu = result["meter"].cpu()
        fan_during = deliveries(url, alert_id) if alert_id else {}

        # No SOS lost: every accepted client_uuid is a case, and nothing else is.
        with psycopg.connect(url) as conn:
            stored = {r[0] for r in conn.execute("SELECT client_uuid FROM sos_cases")}
        stored -= result["warmup"]
        lost = result["accepted"] - stored
        unacknowledged = stored - result["accepted"]

        fan_wall = None
        if alert_id:
            deadline = time.perf_counter() + 600
            while time.perf_counter() < deadline:
                rows = deliveries(url, alert_id)
                if sum(rows.values()) >= devices and not rows.get("pending"):
                    break
                time.sleep(0.5)
            time.sleep(0.6)
            fan_wall = fan.get("done", time.perf_counter() - fan["started"])
    finally:
        for proc in procs:
            common.stop_group(proc)
        if pool:
            pool.stop()
        if receiver:
            fanout.stop(receiver)

    sos_n = int(args.sos_rate * args.seconds)
    print()
    print(f"offered {sos_n} SOS + {int(args.read_rate * args.seconds)} reads in "
          f"{result['offered_wall']:.1f} s; all answered after {result['wall']:.1f} s")
    print(summary("SOS latency (from scheduled start)", [lat for _, lat in result["sos_when"]]))
    print(summary("SOS latency (from send)", result["sos_service"]))
    if fan_wall is not None:  # the fan-out's seconds are where an SOS competes with it
        during = [lat for at, lat in result["sos_when"]
                  if at - result["loop_started"] < fan_wall]
        print(summary("  of which raised while the fan-out ran", during))
    print("SOS p99 by second raised: " + by_second(result["sos_when"], result["loop_started"]))
    print(summary("inbox read latency (from scheduled start)", result["read_lat"]))
    print(f"generator lag: p99 {percentile(result['lag'], 99) * 1000:.1f} ms, "
          f"max {max(result['lag'], default=0) * 1000:.1f} ms")
    print(f"SOS answers: {dict(result['sos_status'])}")
    print(f"read answers: {dict(result['read_status'])}")
    for status, body in result["bodies"].items():
        print(f"  first SOS {status} body: {body!r}")
    print(f"warm-up (not counted): {len(result['warmup'])} SOS accepted and stored")
    for name, cpu in result["cpu_per_request"].items():
        print(f"web CPU per {name}, {args.sequential} one at a time before the surge: "
              f"{cpu * 1000:.2f} ms")
    print(f"SOS accepted {len(result['accepted'])}, cases in DB {len(stored)}, "
          f"accepted but missing {len(lost)}, stored but not acknowledged {len(unacknowledged)}"
          f" -> {'NO SOS LOST' if not lost else 'SOS LOST'}")
    sent = sum(result["sos_status"].values()) + sum(result["read_status"].values())
    timeouts = result["sos_status"]["timeout"] + result["read_status"]["timeout"]
    per_request = (f"{web_cpu / max(sent, 1) * 1000:.2f} ms per request of the mix"
                   if not timeouts else f"not per request: {timeouts} of {sent} timed out")
    print(f"web CPU during the surge {web_cpu:.1f} s over {result['wall']:.1f} s "
          f"({web_cpu / result['wall']:.2f} cores); {per_request}")
    if alert_id:
        print(f"fan-out: at the end of the surge {fan_during}; complete {fan_wall:.1f} s after "
              f"it was queued (the surge started with it and lasted {result['wall']:.1f} s): "
              f"{deliveries_summary(rows)}")
    print(f"load before the surge: {load_before}; after: {load_after}")


def by_second(when: list[tuple[float, float]], start: float) -> str:
    """p99 of the SOS raised in each second of the surge, in ms: where in the run the tail is."""
    seconds: dict[int, list[float]] = {}
    for at, latency in when:
        seconds.setdefault(int(at - start), []).append(latency * 1000)
    return " ".join(f"{second}s:{percentile(values, 99):.0f}"
                    for second, values in sorted(seconds.items()))


def deliveries_summary(rows: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(rows.items()))


if __name__ == "__main__":
    main()
