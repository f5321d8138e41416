"""Live console events against polling: N staff consoles while SOS cases arrive at a steady rate.

    .venv/bin/python -m bench.console_events --consoles 20 --seconds 5            # < 1 minute
    .venv/bin/python -m bench.console_events --consoles 200 --sos-rate 50 --seconds 20

gunicorn on PostgreSQL (gthread workers: a stream holds a thread for as long as it is open, and
gunicorn does not balance connections between workers, so each worker gets threads for every
stream and the requests beside them), the Redis hub (``LIVE_REDIS_URL``) carrying the events
between the workers. Travelers with a current trip in Thailand (``bench/synth.py``) raise the
SOS; one mission covers Thailand and the consoles are its staff (officers, or admins with
``--admins``). Sessions are made with the app's own session serializer, as the sign-in makes
them (``login_user`` and the staff session's start: ``server/staff/sessions.py``).

Phases, in one run, on one gunicorn:

0. SOS alone (no console): the web CPU of the SOS themselves, to tell it from the consoles'.
A. SSE: every console holds ``GET /api/staff/events`` open and reads its frames; latency of a
   (console, SOS) pair is the time the ``sos.new`` frame naming the case reaches that stream.
B. Polling, as the console's SOS queue does today (``pwa/console/js/views/sos.js``): each
   console GETs ``/api/staff/sos?limit=200`` (``X-Compatriot-Background: 1``), waits 3 s after
   the answer and polls again, the consoles' first polls spread over the first 3 s; latency of
   a pair is the time the first poll answer listing the case arrives.

SOS are fired open loop (request i starts at ``start + i / rate``). The case is committed before
its answer leaves the server and after the request reached it, so "from the SOS answer" is a
lower bound of the time from the commit and "from the SOS request's start" an upper bound;
"from received_at" (the server's clock, set before the INSERT) is a tighter upper bound. The
consoles run in ``--client-procs`` processes of their own (time.monotonic is the same clock in
every process), apart from the process firing the SOS.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg

from bench import common, pgdb
from bench.common import percentile

UA = "compatriot-console-events/1"
COUNTRY = "TH"
SOS_NEW = re.compile(rb"\nevent: sos\.new\ndata: [^\n]*\"case\": (\d+)")


# --- the consoles (each group in a process of its own) ------------------------------------

def consoles_process(mode: str, base: str, cookies: list[str], offsets: list[float],
                     pipe, progress, poll_every: float, poll_timeout: float) -> None:
    """Entry point of a console process: ``mode`` "sse" or "poll". Says ("ready", ...) on
    ``pipe`` once every console is under way, runs until told "stop", then sends its results.
    ``progress``: sse, a count of sos.new frames received; poll, per console the start time of
    its last answered poll."""
    if mode == "sse":
        asyncio.run(streams(base, cookies, pipe, progress))
    else:
        asyncio.run(polls(base, cookies, offsets, pipe, progress, poll_every, poll_timeout))


async def _until_stopped(pipe) -> None:
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)


async def streams(base, cookies, pipe, progress) -> None:
    import aiohttp

    n = len(cookies)
    arrivals: list[dict[int, float]] = [{} for _ in range(n)]
    duplicates, status, ended = [0] * n, [None] * n, [False] * n
    started = [asyncio.Event() for _ in range(n)]
    stopping = False
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=None)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout,
                                     headers={"User-Agent": UA}) as http:

        async def one(i: int) -> None:
            seen = arrivals[i]
            try:
                async with http.get(f"{base}/api/staff/events",
                                    headers={"Cookie": cookies[i],
                                             "Accept": "text/event-stream"}) as resp:
                    status[i] = resp.status
                    if resp.status != 200:
                        return
                    buffer = b""
                    async for chunk in resp.content.iter_any():
                        now = time.monotonic()
                        buffer += chunk
                        if b"\n\n" not in buffer:
                            continue
                        *frames, buffer = buffer.split(b"\n\n")
                        for frame in frames:
                            found = SOS_NEW.search(b"\n" + frame)
                            if found:
                                case = int(found[1])
                                if case in seen:
                                    duplicates[i] += 1
                                else:
                                    seen[case] = now
                                    progress.value += 1
                        started[i].set()  # the first frame ("retry:") follows the subscription
            except (aiohttp.ClientError, TimeoutError) as exc:
                status[i] = type(exc).__name__
            finally:
                ended[i] = not stopping
                started[i].set()

        tasks = [asyncio.create_task(one(i)) for i in range(n)]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in started)), 120)
        pipe.send(("ready", sum(1 for i in range(n) if status[i] == 200 and not ended[i])))
        await _until_stopped(pipe)
        stopping = True
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    pipe.send(("done", {"arrivals": arrivals, "duplicates": duplicates, "status": status,
                        "ended_early": ended}))


async def polls(base, cookies, offsets, pipe, progress, every, timeout) -> None:
    import aiohttp

    n = len(cookies)
    seen: list[dict[int, float]] = [{} for _ in range(n)]
    done: list[list[tuple[float, float, object]]] = [[] for _ in range(n)]
    first = [asyncio.Event() for _ in range(n)]
    stop = asyncio.Event()
    # A browser's idle keep-alive connection outlives no 3 s pause (gunicorn's keep-alive is
    # 2 s): one connection per poll.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True),
                                     timeout=aiohttp.ClientTimeout(total=timeout),
                                     headers={"User-Agent": UA}) as http:

        async def one(i: int) -> None:
            await asyncio.sleep(offsets[i])
            while not stop.is_set():
                began = time.monotonic()
                try:
                    async with http.get(f"{base}/api/staff/sos?limit=200",
                                        headers={"Cookie": cookies[i],
                                                 "Accept": "application/json",
                                                 "Accept-Language": "en",
                                                 "X-Compatriot-Background": "1"}) as resp:
                        body, answer = await resp.read(), resp.status
                except TimeoutError:
                    body, answer = b"", "timeout"
                except aiohttp.ClientError as exc:
                    body, answer = b"", type(exc).__name__
                now = time.monotonic()
                if answer == 200:
                    for case in json.loads(body):
                        seen[i].setdefault(case["id"], now)
                done[i].append((began, now, answer))
                progress[i] = began
                first[i].set()
                with contextlib.suppress(TimeoutError):  # the console's setTimeout(tick, 3000)
                    await asyncio.wait_for(stop.wait(), every)

        tasks = [asyncio.create_task(one(i)) for i in range(n)]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in first)), 120)
        pipe.send(("ready", n))
        await _until_stopped(pipe)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    pipe.send(("done", {"seen": seen, "polls": done}))


class Consoles:
    """The console processes of one phase."""

    def __init__(self, mode: str, base: str, cookies: list[str], procs: int, poll_every: float,
                 poll_timeout: float = 120):
        ctx = multiprocessing.get_context("spawn")  # nothing of the parent's app or sockets
        self.mode, self.pipes, self.procs, self.progress = mode, [], [], []
        groups = [g for g in (list(range(len(cookies)))[k::procs] for k in range(procs)) if g]
        self.order = [i for group in groups for i in group]  # console of each result, in turn
        for group in groups:
            ours, theirs = ctx.Pipe()
            progress = (ctx.Value("q", 0, lock=False) if mode == "sse"
                        else ctx.Array("d", len(group), lock=False))
            offsets = [i * poll_every / len(cookies) for i in group]  # spread over one period
            proc = ctx.Process(target=consoles_process, daemon=True,
                               args=(mode, base, [cookies[i] for i in group], offsets, theirs,
                                     progress, poll_every, poll_timeout))
            proc.start()
            self.pipes.append(ours)
            self.procs.append(proc)
            self.progress.append(progress)

    def ready(self, timeout: float = 180) -> int:
        total = 0
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise RuntimeError("consoles did not start")
            kind, count = pipe.recv()
            assert kind == "ready"
            total += count
        return total

    def frames(self) -> int:
        return sum(p.value for p in self.progress)

    def oldest_poll(self) -> float:
        return min(min(p) for p in self.progress)

    def stop(self) -> list[dict]:
        for pipe in self.pipes:
            pipe.send("stop")
        results = []
        for pipe, proc in zip(self.pipes, self.procs, strict=True):
            if not pipe.poll(60):
                raise RuntimeError("consoles did not answer")
            results.append(pipe.recv()[1])
            proc.join(10)
        return results

    def kill(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()


# --- the SOS load --------------------------------------------------------------------------

@dataclass
class Sos:
    client_uuid: str
    started: float
    done: float
    status: object
    case: int | None = None  # from the database (the traveler's answer does not name it)
    mission: int | None = None
    received: float | None = None  # received_at (server clock), on time.monotonic's scale


async def fire(base: str, creds: list[tuple[str, str]], first: int, rate: float,
               seconds: float, timeout: float) -> tuple[list[Sos], list[float]]:
    """``rate`` SOS/s for ``seconds``, open loop; the answers and the generator's lag."""
    import aiohttp

    records, lag = [], []
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000, force_close=True),
                                     timeout=aiohttp.ClientTimeout(total=timeout),
                                     headers={"User-Agent": UA}) as http:

        async def one(i: int, scheduled: float) -> None:
            cookie, csrf = creds[(first + i) % len(creds)]
            body = common.sos_body(first + i)
            started = loop.time()
            lag.append(started - scheduled)
            try:
                async with http.post(f"{base}/api/sos", json=body,
                                     headers={"Cookie": cookie, "X-CSRFToken": csrf}) as resp:
                    await resp.read()
                    status = resp.status
            except TimeoutError:
                status = "timeout"
            except aiohttp.ClientError as exc:
                status = type(exc).__name__
            records.append(Sos(body["client_uuid"], started, loop.time(), status))

        await asyncio.gather(*await common.open_loop(rate, seconds, one))
    return records, lag


def identify(url: str, records: list[Sos]) -> list[Sos]:
    """The accepted SOS with their case id, mission and received_at (time.monotonic's scale)."""
    offset = time.time() - time.monotonic()
    accepted = {r.client_uuid: r for r in records if r.status in (200, 201)}
    with psycopg.connect(url) as conn:
        for client_uuid, case, mission, received in conn.execute(
                "SELECT client_uuid, id, embassy_id, extract(epoch FROM received_at) "
                "FROM sos_cases WHERE client_uuid = ANY(%s)", (list(accepted),)):
            sos = accepted[client_uuid]
            sos.case, sos.mission, sos.received = case, mission, float(received) - offset
    return [sos for sos in accepted.values() if sos.case]


# --- measurement ---------------------------------------------------------------------------

def redis_pids() -> list[int]:
    return [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"]


class BackendMeter:
    """CPU of the PostgreSQL backends serving our database, from here to ``cpu()``. Under load
    the web workers' pools open and close connections (beyond their pool size), so the
    backends are sampled every 0.2 s; one that ended counts with its last sample."""

    def __init__(self, url: str):
        self.conn = psycopg.connect(url, autocommit=True)
        self.since = time.time()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._sample(initial=True)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _sample(self, initial: bool = False) -> None:
        for (pid,) in self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"):
            try:
                proc = psutil.Process(pid)
                times = proc.cpu_times()
                if pid not in self.first:  # a backend begun in the window counts from zero
                    new = not initial and proc.create_time() >= self.since
                    self.first[pid] = 0.0 if new else times.user + times.system
                self.last[pid] = times.user + times.system
            except psutil.NoSuchProcess:
                continue

    def _run(self) -> None:
        while not self.done.wait(0.2):
            self._sample()

    def cpu(self) -> float:
        self.done.set()
        self.thread.join()
        self._sample()
        self.conn.close()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def own_cpu() -> float:
    times = psutil.Process().cpu_times()  # this process only: gunicorn is a child of it
    return times.user + times.system


class Window:
    """CPU of the web tier, Redis, PostgreSQL's backends of our database and the load
    generator (this process and the console processes) from here to ``close()``."""

    def __init__(self, web_pid: int, url: str, console_pids: list[int]):
        self.load_before = common.load()
        self.meters = {"web": common.ProcessMeter([web_pid]),
                       "redis": common.ProcessMeter(redis_pids()),
                       "postgres": BackendMeter(url),
                       "consoles": common.ProcessMeter(console_pids)}
        self.own = own_cpu()
        self.started = time.monotonic()

    def close(self) -> dict:
        result = {name: meter.cpu() for name, meter in self.meters.items()}
        result["generator"] = own_cpu() - self.own
        result["wall"] = time.monotonic() - self.started
        result["ended"] = time.monotonic()
        result["load_before"], result["load_after"] = self.load_before, common.load()
        return result


OPEN = (psutil.CONN_ESTABLISHED, psutil.CONN_CLOSE_WAIT)  # closed by the console, not yet here


def open_streams(web_pid: int, port: int) -> list[int]:
    """Connections gunicorn's workers hold each (the streams, while no other load runs)."""
    counts = []
    for worker in psutil.Process(web_pid).children():
        try:
            conns = worker.net_connections("tcp")
        except psutil.NoSuchProcess:
            continue
        counts.append(sum(1 for c in conns if c.status in OPEN and c.laddr
                          and c.laddr.port == port))
    return counts


def latencies(cases: list[Sos], reached: list[dict[int, float]], expected) -> dict:
    """Per (console, SOS) pair: from the answer, from the request's start, from received_at."""
    out = {"answer": [], "start": [], "received": [], "missed": 0}
    for console, times in enumerate(reached):
        for sos in cases:
            if not expected(console, sos):
                continue
            at = times.get(sos.case)
            if at is None:
                out["missed"] += 1
                continue
            out["answer"].append(at - sos.done)
            out["start"].append(at - sos.started)
            out["received"].append(at - sos.received)
    return out


def ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.0f}" if values else "-"


def sos_line(name: str, records: list[Sos], lag: list[float]) -> str:
    statuses: dict = {}
    for sos in records:
        statuses[sos.status] = statuses.get(sos.status, 0) + 1
    answered = [s.done - s.started for s in records if s.status in (200, 201)]
    return (f"  SOS {name}: {statuses}; answer p50 {ms(answered, 50)} ms, p99 {ms(answered, 99)}"
            f" ms, max {ms(answered, 100)} ms; generator lag p99 {ms(lag, 99)} ms")


def cpu_line(cpu: dict) -> str:
    return (f"  CPU over {cpu['wall']:.1f} s: web {cpu['web']:.2f} s "
            f"({cpu['web'] / cpu['wall']:.2f} cores), PostgreSQL (our backends) "
            f"{cpu['postgres']:.2f} s, Redis (shared) {cpu['redis']:.2f} s, load generator "
            f"{cpu['generator']:.2f} s + consoles {cpu['consoles']:.2f} s; "
            f"{cpu['load_before']} before, {cpu['load_after']} after")


# --- the run -------------------------------------------------------------------------------

def setup_staff(app, consoles: int, admins: int) -> tuple[int, list[int], set[int]]:
    """The mission covering the travelers' country and its staff: (mission, ids, admin ids)."""
    from server.accounts.models import User
    from server.db import db
    from server.embassies.models import Embassy, EmbassyArea
    from server.staff import totp

    with app.app_context():
        mission = Embassy(key="bench-th", kind="embassy", name="Bench Embassy in Thailand",
                          country=COUNTRY, city="Bangkok", address="1 Wireless Road, Bangkok",
                          lat=13.74, lon=100.55, phone="+6620000000",
                          emergency_phone="+6620000001", email="bench-th@example.org",
                          areas=[EmbassyArea(country=COUNTRY)])
        db.session.add(mission)
        db.session.flush()
        # No password opens these accounts: their sessions are made directly (main).
        staff = [User(email=f"staff{i}@bench.example", password_hash="!",  # noqa: S106
                      name=f"Officer {i}",
                      language="en", role="admin" if i < admins else "officer",
                      embassy_id=mission.id, totp_secret=totp.new_secret())
                 for i in range(consoles)]
        db.session.add_all(staff)
        db.session.commit()
        return mission.id, [u.id for u in staff], {u.id for u in staff if u.role == "admin"}


def settle(base: str, creds, web_pid: int, port: int, timeout: float = 30) -> list[int]:
    """Let the closed streams end on the server: a stream thread notices a closed connection
    only when it next writes, so a few unmeasured SOS (events to write) are sent."""
    deadline = time.monotonic() + timeout
    while (left := open_streams(web_pid, port)) and sum(left) and time.monotonic() < deadline:
        asyncio.run(fire(base, creds, 0, 4, 1, 30))
    return open_streams(web_pid, port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--consoles", type=int, default=200, help="staff consoles open")
    parser.add_argument("--sos-rate", type=float, default=50, help="SOS raised per second")
    parser.add_argument("--seconds", type=float, default=20, help="of SOS, in each phase")
    parser.add_argument("--poll-every", type=float, default=3.0,
                        help="seconds between a poll's answer and the next poll (phase B)")
    parser.add_argument("--poll-timeout", type=float, default=120,
                        help="a poll's client timeout, seconds (a browser's fetch has none)")
    parser.add_argument("--admins", type=int, default=0,
                        help="how many of the consoles are admins (the others: officers)")
    parser.add_argument("--travelers", type=int, default=1000,
                        help="travelers raising the SOS (round robin)")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=256,
                        help="gthread threads per worker (at least --consoles plus headroom: "
                        "gunicorn may give one worker most of the streams)")
    parser.add_argument("--client-procs", type=int, default=2,
                        help="processes holding the consoles")
    parser.add_argument("--drain", type=float, default=15,
                        help="seconds to wait after the last SOS for the last event or poll")
    parser.add_argument("--timeout", type=float, default=30, help="per SOS request, seconds")
    parser.add_argument("--no-alone", action="store_true", help="skip phase 0")
    parser.add_argument("--database-url", default=pgdb.with_database(
        common.DEFAULT_SERVER, "compatriot_bench_events"))
    parser.add_argument("--live-redis", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()

    import redis

    print(f"machine: {common.machine()}", flush=True)
    url = args.database_url
    tmp = Path(tempfile.mkdtemp(prefix="bench-events-"))
    env = common.web_env(url, tmp)
    env["LIVE_REDIS_URL"] = args.live_redis
    hub = redis.Redis.from_url(args.live_redis)
    hub.delete(*hub.keys("compatriot:live:*") or ["compatriot:live:id"])  # our keys only
    common.present_travelers(url, env, int(args.travelers * 1.3) + 10, COUNTRY,
                             log=lambda m: print(m, flush=True))
    with psycopg.connect(url) as conn:
        travelers = [r[0] for r in conn.execute(
            "SELECT id FROM users ORDER BY id LIMIT %s", (args.travelers,))]
    app = common.make_app(env)
    mission, staff_ids, admin_ids = setup_staff(app, args.consoles, args.admins)
    from server.staff import sessions as staff_sessions

    creds = common.session_cookies(app, travelers, UA)
    staff = common.session_cookies(app, staff_ids, UA, path="/api/staff/events",
                                   begin=staff_sessions.start)
    cookies = [cookie for cookie, _ in staff]
    admin = [uid in admin_ids for uid in staff_ids]
    print(f"  {len(creds)} traveler sessions, {len(cookies)} staff sessions "
          f"({len(admin_ids)} admins) of mission {mission} (covers {COUNTRY})", flush=True)

    web, base = common.start_gunicorn(env, tmp, args.web_workers, args.web_threads)
    port = int(base.rsplit(":", 1)[1])
    print(f"gunicorn: {args.web_workers} gthread workers x {args.web_threads} threads, "
          f"{base}, LIVE_REDIS_URL={args.live_redis}", flush=True)
    rows, group = {}, None
    first = 0

    def phase_sos() -> tuple[list[Sos], list[float], list[Sos]]:
        nonlocal first
        records, lag = asyncio.run(fire(base, creds, first, args.sos_rate, args.seconds,
                                        args.timeout))
        first += len(records)
        return identify(url, records), lag, records

    def visible(console: int, sos: Sos) -> bool:
        return admin[console] or sos.mission == mission

    try:
        # Warm-up (not measured): each worker's first SOS (imports, the geo index, the pool),
        # first staff reads.
        asyncio.run(fire(base, creds, 10_000, 10, 3, 30))
        first = 20_000

        if not args.no_alone:
            print("phase 0: SOS alone", flush=True)
            window = Window(web.pid, url, [])
            cases, lag, records = phase_sos()
            cpu = window.close()
            print(sos_line("alone", records, lag))
            print(cpu_line(cpu))
            rows["0"] = {"cases": cases, "cpu": cpu, "records": records, "consoles": 0}

        print(f"phase A: {len(cookies)} SSE streams", flush=True)
        group = Consoles("sse", base, cookies, args.client_procs, args.poll_every)
        opened = group.ready()
        time.sleep(1)
        spread = open_streams(web.pid, port)
        print(f"  {opened} streams open; connections per worker {spread}", flush=True)
        window = Window(web.pid, url, [p.pid for p in group.procs])
        before = group.frames()
        cases, lag, records = phase_sos()
        wanted = sum(1 for c in range(len(cookies)) for s in cases if visible(c, s))
        deadline = time.monotonic() + args.drain
        while group.frames() - before < wanted and time.monotonic() < deadline:
            time.sleep(0.05)
        cpu = window.close()
        print(f"  {group.frames() - before} of {wanted} sos.new frames in "
              f"{time.monotonic() - max(c.done for c in records):.1f} s after the last SOS answer",
              flush=True)
        results = group.stop()
        reached = [times for r in results for times in r["arrivals"]]
        order = group.order
        lat = latencies(cases, reached, lambda j, s: visible(order[j], s))
        statuses = [s for r in results for s in r["status"]]
        early = sum(e for r in results for e in r["ended_early"])
        duplicates = sum(d for r in results for d in r["duplicates"])
        print(sos_line("during A", records, lag))
        print(f"  stream answers {dict((s, statuses.count(s)) for s in set(statuses))}, "
              f"ended before the stop {early}, duplicate frames {duplicates}")
        print(cpu_line(cpu))
        rows["A"] = {"cases": cases, "cpu": cpu, "lat": lat, "events": len(lat["answer"]),
                     "consoles": opened, "records": records}
        group = None
        left = settle(base, creds, web.pid, port)
        print(f"  streams left on the server after A: {left}", flush=True)

        print(f"phase B: {len(cookies)} consoles polling every {args.poll_every:g} s",
              flush=True)
        group = Consoles("poll", base, cookies, args.client_procs, args.poll_every,
                         args.poll_timeout)
        group.ready()
        time.sleep(args.poll_every)  # every console in its rhythm
        # CPU while the SOS arrive (the polls go on at the same pace after them); latency until
        # every console has polled since the last SOS was answered.
        window = Window(web.pid, url, [p.pid for p in group.procs])
        cases, lag, records = phase_sos()
        cpu = window.close()
        last = max(c.done for c in records)
        deadline = time.monotonic() + args.drain + 3 * args.poll_every + args.poll_timeout
        while group.oldest_poll() < last and time.monotonic() < deadline:
            time.sleep(0.1)
        drained = group.oldest_poll() >= last
        print(f"  every console polled after the last SOS answer: {drained} "
              f"({time.monotonic() - last:.1f} s after it)", flush=True)
        results = group.stop()
        seen = [s for r in results for s in r["seen"]]
        order = group.order
        lat = latencies(cases, seen, lambda j, s: visible(order[j], s))
        group = None
        done = [p for r in results for console in r["polls"] for p in console]
        counted = [p for p in done if cpu["ended"] - cpu["wall"] <= p[1] <= cpu["ended"]]
        answers: dict = {}
        for p in counted:
            answers[p[2]] = answers.get(p[2], 0) + 1
        took = [p[1] - p[0] for p in counted if p[2] == 200]
        print(sos_line("during B", records, lag))
        print(f"  polls in the window {len(counted)} ({answers}); poll answer p50 "
              f"{ms(took, 50)} ms, p99 {ms(took, 99)} ms")
        print(cpu_line(cpu))
        rows["B"] = {"cases": cases, "cpu": cpu, "lat": lat, "polls": len(counted),
                     "consoles": len(cookies), "records": records, "drained": drained}
    finally:
        if group:
            group.kill()
        common.stop_group(web)
        log = (tmp / "gunicorn.log").read_text(errors="replace")
        print(f"gunicorn log {tmp / 'gunicorn.log'}: " + ", ".join(
            f"{word!r} {log.count(word)}" for word in ("WORKER TIMEOUT", "Traceback", "QueuePool")))

    report(args, rows)


def report(args, rows: dict) -> None:
    alone = rows.get("0")
    per_sos_alone = alone["cpu"]["web"] / len(alone["cases"]) if alone else None
    print()
    print(f"{args.consoles} consoles, {args.sos_rate:g} SOS/s for {args.seconds:g} s per phase; "
          f"web: {args.web_workers} gthread workers x {args.web_threads} threads. Latency per "
          "(console, SOS) pair, ms: from the SOS answer (a lower bound of the time from the "
          "commit), from received_at (set before the INSERT), from the SOS request's start "
          "(upper bound). CPU while the SOS arrive.")
    print()
    print("| phase | consoles | SOS | events delivered / polls | from SOS answer p50 / p99 | "
          "from received_at p50 / p99 | from SOS start p50 / p99 | pairs missed | "
          "SOS answer p50 / p99 | web CPU per SOS | web CPU per event / poll | the same beyond "
          "phase 0's SOS | web cores | PostgreSQL CPU per SOS | load 1 min |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for key, name, unit in (("0", "0. SOS alone", ""), ("A", "A. SSE streams", " events"),
                            ("B", f"B. polling every {args.poll_every:g} s", " polls")):
        row = rows.get(key)
        if not row:
            continue
        cpu, n, lat = row["cpu"], len(row["cases"]), row.get("lat")
        answered = [s.done - s.started for s in row["records"] if s.status in (200, 201)]
        count = row.get("events", row.get("polls"))
        if lat:
            pairs = (f"{ms(lat['answer'], 50)} / {ms(lat['answer'], 99)} | "
                     f"{ms(lat['received'], 50)} / {ms(lat['received'], 99)} | "
                     f"{ms(lat['start'], 50)} / {ms(lat['start'], 99)} | {lat['missed']}")
            each = f"{cpu['web'] / max(count, 1) * 1e6:,.0f} µs"
            beyond = ("-" if per_sos_alone is None else
                      f"{(cpu['web'] - per_sos_alone * n) / max(count, 1) * 1e6:,.0f} µs")
        else:
            pairs, each, beyond = "- | - | - | -", "-", "-"
        print(f"| {name} | {row['consoles']} | {n} | "
              f"{'-' if count is None else f'{count:,}{unit}'} | {pairs} | "
              f"{ms(answered, 50)} / {ms(answered, 99)} | {cpu['web'] / n * 1000:.2f} ms | "
              f"{each} | {beyond} | {cpu['web'] / cpu['wall']:.2f} | "
              f"{cpu['postgres'] / n * 1000:.2f} ms | "
              f"{_load(cpu['load_before'])} → {_load(cpu['load_after'])} |")


def _load(text: str) -> str:
    return text.split()[2]  # "load average X (1 min), ..." -> X


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
