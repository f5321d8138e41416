"""The SQL functions agree with the Python geometry, in SQLite and (when available) PostgreSQL."""
import json
import math
import os
import sqlite3

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.geo import (
    POSTGRES_FUNCTIONS_SQL,
    haversine_km,
    point_in_ring,
    register_sqlite_functions,
    ring_contains_sql,
)
from server.geo.sql import POSTGRES_DROP_FUNCTIONS_SQL, _parsed_ring

ACROSS_DATELINE = [[-10, 170], [-10, -170], [10, -170], [10, 170], [-10, 170]]


def wrap(lon):
    return (lon + 180) % 360 - 180


@st.composite
def rings(draw):
    """Random rings (self-intersecting ones too), often across the antimeridian."""
    lat = draw(st.floats(-70, 70))
    lon = draw(st.one_of(st.floats(-180, 180), st.floats(160, 200)))
    offsets = st.tuples(st.floats(-15, 15), st.floats(-40, 40))
    ring = [[lat + dlat, wrap(lon + dlon)] for dlat, dlon in draw(
        st.lists(offsets, min_size=3, max_size=12))]
    return [*ring, ring[0]]


@st.composite
def ring_and_points(draw):
    """A ring and points around it, some exactly on its vertices."""
    ring = draw(rings())
    near = st.tuples(st.floats(-20, 20), st.floats(-50, 50)).map(
        lambda d: [ring[0][0] + d[0], wrap(ring[0][1] + d[1])])
    points = draw(st.lists(st.one_of(near, st.sampled_from(ring)), min_size=1, max_size=20))
    return ring, points


def sqlite_connection():
    connection = sqlite3.connect(":memory:")
    register_sqlite_functions(connection)
    return connection


def test_sqlite_functions_return_null_for_null_input():
    db = sqlite_connection()
    ring = json.dumps(ACROSS_DATELINE)
    assert db.execute("SELECT geo_distance_km(NULL, 0, 0, 0)").fetchone() == (None,)
    assert db.execute("SELECT geo_in_ring(NULL, 0, ?)", (ring,)).fetchone() == (None,)
    assert db.execute("SELECT geo_in_ring(0, 0, NULL)").fetchone() == (None,)


def test_sqlite_in_ring_handles_the_antimeridian():
    db = sqlite_connection()
    ring = json.dumps(ACROSS_DATELINE)
    rows = db.execute("SELECT geo_in_ring(0, 179.5, ?), geo_in_ring(0, -179.5, ?),"
                      " geo_in_ring(0, 0, ?)", (ring, ring, ring)).fetchone()
    assert rows == (1, 1, 0)


def test_sqlite_query_parses_the_ring_once_for_all_rows():
    db = sqlite_connection()
    db.execute("CREATE TABLE pos (lat REAL, lon REAL)")
    db.executemany("INSERT INTO pos VALUES (?, ?)",
                   [(i / 50 - 20, wrap(160 + i / 25)) for i in range(2000)])
    _parsed_ring.cache_clear()
    ring = json.dumps(ACROSS_DATELINE)
    [(count,)] = db.execute("SELECT count(*) FROM pos WHERE geo_in_ring(lat, lon, ?)", (ring,))
    expected = sum(point_in_ring(lat, lon, ACROSS_DATELINE)
                   for lat, lon in db.execute("SELECT lat, lon FROM pos"))
    assert count == expected > 0
    assert _parsed_ring.cache_info().misses == 1


@given(ring_and_points())
def test_sqlite_agrees_with_python(case):
    ring, points = case
    db = sqlite_connection()
    for lat, lon in points:
        [(inside,)] = db.execute("SELECT geo_in_ring(?, ?, ?)", (lat, lon, json.dumps(ring)))
        assert bool(inside) == point_in_ring(lat, lon, ring)
        [(km,)] = db.execute("SELECT geo_distance_km(?, ?, ?, ?)", (lat, lon, *ring[0]))
        assert km == haversine_km(lat, lon, *ring[0])


def postgres_url():
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.mark.skipif(not postgres_url(), reason="TEST_DATABASE_URL is not set")
def test_postgres_functions_agree_with_python():
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(postgres_url()) as conn:
        try:
            # A private schema inside a transaction that is rolled back: nothing is left behind.
            conn.execute("CREATE SCHEMA geo_test")
            conn.execute("SET LOCAL search_path TO geo_test")
            conn.execute(POSTGRES_FUNCTIONS_SQL)
            check_fixed_cases(conn)
            check_random_cases(conn)
            check_set_based_query(conn)
            conn.execute(POSTGRES_DROP_FUNCTIONS_SQL)
        finally:
            conn.rollback()


def check_fixed_cases(conn):
    ring = json.dumps(ACROSS_DATELINE)
    row = conn.execute(
        "SELECT geo_in_ring(0, 179.5, %s::text), geo_in_ring(0, -179.5, %s::jsonb),"
        " geo_in_ring(0, 0, %s::json), geo_in_ring(NULL, 0, %s::text),"
        " geo_distance_km(0, 0, 0, 1), geo_distance_km(0, 0, NULL, 1),"
        " geo_in_ring(0, 0, '[]'::jsonb)", (ring, ring, ring, ring)).fetchone()
    assert row[:4] == (True, True, False, None)
    assert math.isclose(row[4], haversine_km(0, 0, 0, 1))
    assert row[5:] == (None, False)


def check_random_cases(conn):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ring_and_points())
    def agree(case):
        ring, points = case
        for lat, lon in points:
            with conn.transaction():  # a savepoint: one failing example cannot poison the rest
                inside, km = conn.execute(
                    "SELECT geo_in_ring(%s::float8, %s::float8, %s::text),"
                    " geo_distance_km(%s::float8, %s::float8, %s::float8, %s::float8)",
                    (lat, lon, json.dumps(ring), lat, lon, *ring[0])).fetchone()
            assert inside == point_in_ring(lat, lon, ring), (lat, lon, ring)
            assert math.isclose(km, haversine_km(lat, lon, *ring[0]), rel_tol=1e-12,
                                abs_tol=1e-9)

    agree()


def check_set_based_query(conn):
    ring = ACROSS_DATELINE
    points = [(i / 50 - 20, wrap(160 + i / 25)) for i in range(2000)]
    conn.execute("CREATE TEMP TABLE pos (id int, lat float8, lon float8) ON COMMIT DROP")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO pos VALUES (%s, %s, %s)",
                        [(i, lat, lon) for i, (lat, lon) in enumerate(points)])
    ids = {r[0] for r in conn.execute(
        "SELECT id FROM pos WHERE geo_in_ring(lat, lon, %s::text)", (json.dumps(ring),))}
    assert ids == {i for i, (lat, lon) in enumerate(points) if point_in_ring(lat, lon, ring)}


# ring_contains_sql: the ring compiled into the statement, what the audience queries use.

def ring_sql_agrees(engine, ring, points):
    with engine.connect() as conn:
        for lat, lon in points:
            inside = conn.scalar(sa.select(ring_contains_sql(
                sa.literal(lat, sa.Float), sa.literal(lon, sa.Float), ring)))
            assert bool(inside) == point_in_ring(lat, lon, ring), (lat, lon, ring)


@settings(max_examples=200, deadline=None)
@given(ring_and_points())
def test_ring_sql_agrees_with_python_on_sqlite(case):
    ring_sql_agrees(sa.create_engine("sqlite://"), *case)


def test_ring_sql_on_a_table_with_nulls_and_a_1000_point_ring():
    """A set-based query, NULL coordinates (never inside), and a ring as large as CAP input
    allows (SQLite limits expression depth to 1000: the sum is a balanced tree)."""
    engine = sa.create_engine("sqlite://")
    points = [(i / 50 - 20, wrap(160 + i / 25)) for i in range(2000)] + [(None, 179.5)]
    circle = [[12 * math.sin(a / 999 * 2 * math.pi), wrap(180 + 15 * math.cos(a / 999 * 2 *
                                                                          math.pi))]
              for a in range(999)]
    for ring in (ACROSS_DATELINE, [*circle, circle[0]]):
        pos = sa.table("pos", sa.column("lat", sa.Float), sa.column("lon", sa.Float))
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS pos (lat REAL, lon REAL)")
            conn.exec_driver_sql("DELETE FROM pos")
            conn.execute(pos.insert(), [{"lat": lat, "lon": lon} for lat, lon in points])
            count = conn.scalar(sa.select(sa.func.count()).select_from(pos).where(
                ring_contains_sql(pos.c.lat, pos.c.lon, ring)))
        expected = sum(point_in_ring(lat, lon, ring) for lat, lon in points if lat is not None)
        assert count == expected > 0


@pytest.mark.skipif(not postgres_url(), reason="TEST_DATABASE_URL is not set")
def test_ring_sql_agrees_with_python_on_postgres():
    engine = sa.create_engine(os.environ["TEST_DATABASE_URL"])

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ring_and_points())
    def agree(case):
        ring_sql_agrees(engine, *case)

    try:
        agree()
    finally:
        engine.dispose()
