"""Seeded synthetic travelers, trips and devices, loaded with COPY (fast enough for millions).

Distributions: trips over 200 countries with a Zipf head (s = 1.2: the first country, Thailand,
gets about a quarter of the stays), 2 trips per traveler, one stay per trip, about 45 % of
stays under way today (5 % residents with no end date), 1.3 devices per traveler, 30 % of
travelers sharing their location (a fix from the last day near their current stay).
"""
from __future__ import annotations

import base64
import random
import time
from datetime import UTC, date, datetime, timedelta

import psycopg
import pycountry
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

# The head: where the circle and polygon benchmarks look (Bangkok and its region).
HEAD = ["TH", "JP", "KR", "US", "VN", "SG", "MY", "FR", "GB", "AU", "DE", "IT", "ES", "ID"]
HEAD_CITY = (13.7563, 100.5018)  # Bangkok
CITIES = [HEAD_CITY, (7.8804, 98.3923), (18.7883, 98.9853), (12.9236, 100.8825)]
LANGUAGES = [("zh_Hans", 0.70), ("en", 0.15), ("zh_Hant", 0.10), ("ar", 0.05)]
KEY_POOL = 1000  # distinct subscription key pairs (the receiver in the benchmarks does not decrypt)


def countries() -> list[str]:
    codes = sorted(c.alpha_2 for c in pycountry.countries)
    rest = [c for c in codes if c not in HEAD]
    return (HEAD + rest)[:200]


def zipf_weights(n: int, s: float = 1.2) -> list[float]:
    weights = [1 / (k ** s) for k in range(1, n + 1)]
    total = sum(weights)
    return [w / total for w in weights]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_pool(size: int = KEY_POOL, seed: int = 7) -> list[tuple[str, str]]:
    """(p256dh, auth) pairs of real P-256 keys (so encryption costs what it costs)."""
    rng = random.Random(seed)
    pool = []
    for _ in range(size):
        key = ec.generate_private_key(ec.SECP256R1())
        point = key.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
        pool.append((_b64(point), _b64(rng.randbytes(16))))
    return pool


def _stay(rng: random.Random, today: date) -> tuple[date, date | None]:
    kind = rng.random()
    if kind < 0.05:  # resident abroad
        return today - timedelta(days=rng.randint(30, 3000)), None
    if kind < 0.45:  # under way
        return (today - timedelta(days=rng.randint(0, 30)),
                today + timedelta(days=rng.randint(0, 30)))
    if kind < 0.75:  # past
        end = today - timedelta(days=rng.randint(1, 365))
        return end - timedelta(days=rng.randint(1, 30)), end
    start = today + timedelta(days=rng.randint(1, 180))  # upcoming
    return start, start + timedelta(days=rng.randint(1, 30))


def _place(rng: random.Random, country: str, centres: dict) -> tuple[float, float] | None:
    """Coordinates for 60 % of stays: around a city (TH) or the country's pseudo-centre."""
    if rng.random() > 0.6:
        return None
    if country == "TH":
        lat, lon = CITIES[min(int(rng.expovariate(1.5)), len(CITIES) - 1)]
        spread = 0.25
    else:
        lat, lon = centres[country]
        spread = 1.5
    return (max(-89.9, min(89.9, rng.gauss(lat, spread))),
            max(-179.9, min(179.9, rng.gauss(lon, spread))))


def generate(url: str, travelers: int, *, origin: str = "http://127.0.0.1:9/push",
             seed: int = 42, log=print) -> dict:
    """Fill an empty, migrated database; returns counts. ``origin``: device endpoints' prefix."""
    rng = random.Random(seed)
    today = date.today()
    now = datetime.now(UTC)
    codes = countries()
    weights = zipf_weights(len(codes))
    centres = {c: (rng.uniform(-40, 60), rng.uniform(-120, 150)) for c in codes}
    keys = key_pool()
    langs, lang_weights = zip(*LANGUAGES, strict=True)
    started = time.perf_counter()
    counts = {"users": 0, "trips": 0, "legs": 0, "devices": 0}
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        user_rows, trip_rows, leg_rows, device_rows = [], [], [], []
        trip_id = device_id = 0
        for user_id in range(1, travelers + 1):
            language = rng.choices(langs, lang_weights)[0]
            consent = rng.random() < 0.30
            user_rows.append((user_id, f"u{user_id}@bench.example", "x", f"Traveler {user_id}",
                              language, "traveler", consent, f"{user_id:032x}", now, now,
                              False))
            current = None
            for _ in range(2):
                trip_id += 1
                country = rng.choices(codes, weights)[0]
                start, end = _stay(rng, today)
                place = _place(rng, country, centres)
                trip_rows.append((trip_id, user_id, "tourism", "Home contact", "+8613900139000",
                                  start, end, 1, now, now))
                leg_rows.append((trip_id, trip_id, user_id, country,
                                 place[0] if place else None, place[1] if place else None,
                                 start, end))
                if start <= today and (end is None or end >= today) and place:
                    current = (country, place)
            for _ in range(2 if rng.random() < 0.30 else 1):
                device_id += 1
                p256dh, auth = keys[device_id % len(keys)]
                row = [device_id, user_id, f"{origin}/{device_id}", p256dh, auth, None, now, now,
                       None, None, None, None]
                if consent and current:
                    (country, (lat, lon)) = current
                    age = timedelta(minutes=rng.randint(0, 36 * 60))  # a third is stale
                    # The device's plain position is its ~1 km cell (Device.place).
                    row[8:12] = [round(lat + rng.gauss(0, 0.02), 2),
                                 round(lon + rng.gauss(0, 0.02), 2), now - age, country]
                device_rows.append(tuple(row))
        tables = [
            ("users", "id, email, password_hash, name, language, role, location_consent, "
                      "session_token, created_at, updated_at, disabled",
             user_rows),
            ("trips", "id, user_id, purpose, emergency_contact_name, emergency_contact_phone, "
                      "start_date, end_date, version, created_at, updated_at", trip_rows),
            ("legs", "id, trip_id, user_id, country, lat, lon, start_date, end_date", leg_rows),
            ("devices", "id, user_id, endpoint, p256dh, auth, language, created_at, "
                        "last_seen_at, lat, lon, position_at, position_country", device_rows),
        ]
        log(f"  generated in {time.perf_counter() - started:.1f} s; loading with COPY")
        for table, columns, rows in tables:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))")
            counts[table] = len(rows)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"  loaded {counts} in {time.perf_counter() - started:.1f} s")
    return counts


def reset_schema(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def clear_alerts(url: str) -> None:
    """Drop the alerts (and deliveries) of former runs, keeping the travelers: each run then
    materializes into the same, empty deliveries table."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE alerts CASCADE")


def table_count(url: str, table: str) -> int:
    try:
        with psycopg.connect(url) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    except psycopg.Error:
        return -1


def generate_present(url: str, devices: int, country: str, *, seed: int = 43,
                     origin: str = "http://127.0.0.1:9/push", log=print) -> int:
    """Exactly ``devices`` devices (1.3 per traveler) of travelers staying in ``country`` now."""
    rng = random.Random(seed)
    today, now = date.today(), datetime.now(UTC)
    keys = key_pool()
    langs, lang_weights = zip(*LANGUAGES, strict=True)
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        users, trips, legs, rows = [], [], [], []
        user_id = 0
        while len(rows) < devices:
            user_id += 1
            users.append((user_id, f"u{user_id}@bench.example", "x", f"Traveler {user_id}",
                          rng.choices(langs, lang_weights)[0], "traveler", False,
                          f"{user_id:032x}", now, now, False))
            start, end = today - timedelta(days=rng.randint(0, 20)), today + timedelta(days=9)
            trips.append((user_id, user_id, "tourism", "Home contact", "+8613900139000", start,
                          end, 1, now, now))
            legs.append((user_id, user_id, user_id, country, None, None, start, end))
            for _ in range(2 if rng.random() < 0.30 else 1):
                if len(rows) < devices:
                    device_id = len(rows) + 1
                    p256dh, auth = keys[device_id % len(keys)]
                    rows.append((device_id, user_id, f"{origin}/{device_id}", p256dh, auth, now,
                                 now))
        for table, columns, data in [
            ("users", "id, email, password_hash, name, language, role, location_consent, "
                      "session_token, created_at, updated_at, disabled", users),
            ("trips", "id, user_id, purpose, emergency_contact_name, emergency_contact_phone, "
                      "start_date, end_date, version, created_at, updated_at", trips),
            ("legs", "id, trip_id, user_id, country, lat, lon, start_date, end_date", legs),
            ("devices", "id, user_id, endpoint, p256dh, auth, created_at, last_seen_at", rows),
        ]:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for item in data:
                    copy.write_row(item)
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"  {user_id} travelers, {devices} devices loaded in "
        f"{time.perf_counter() - started:.1f} s")
    return devices
