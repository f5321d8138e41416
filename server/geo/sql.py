"""The exact area tests as SQL functions, so audience queries stay set-based in the database.

Both databases get ``geo_distance_km(lat1, lon1, lat2, lon2)`` and
``geo_in_ring(lat, lon, ring_json)`` (``ring_json``: JSON text ``[[lat, lon], ...]``) with the
semantics of ``geometry.haversine_km`` and ``geometry.point_in_ring``; NULL in gives NULL out.
A malformed ``ring_json`` is an error in both (validate rings with ``ring_problems`` first).
Use them after an indexed bounding-box prefilter (``circle_bboxes``, ``ring_bboxes``).

Audience queries test polygons with ``ring_contains_sql`` instead: the ring is compiled into
the statement as plain arithmetic on constants (no function call per row, the same SQL on
both databases), several times cheaper per row than ``geo_in_ring`` in PL/pgSQL.
"""
from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import Float, and_, case, false, literal_column, or_
from sqlalchemy.sql.elements import ColumnElement

from server.geo.geometry import (
    FULL_TURN,
    SNAP,
    PreparedRing,
    haversine_km,
    prepare_ring,
    ring_contains,
)


@functools.lru_cache(maxsize=256)
def _parsed_ring(ring_json: str) -> PreparedRing:
    """Parse and unwrap a ring once per distinct JSON text, however many rows test it."""
    return prepare_ring(json.loads(ring_json))


def _sqlite_distance(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> float | None:
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return haversine_km(float(lat1), float(lon1), float(lat2), float(lon2))


def _sqlite_in_ring(lat: Any, lon: Any, ring_json: Any) -> int | None:
    if lat is None or lon is None or ring_json is None:
        return None
    return int(ring_contains(_parsed_ring(str(ring_json)), float(lat), float(lon)))


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Add geo_distance_km and geo_in_ring to a sqlite3 connection (call on every connect)."""
    dbapi_connection.create_function("geo_distance_km", 4, _sqlite_distance, deterministic=True)
    dbapi_connection.create_function("geo_in_ring", 3, _sqlite_in_ring, deterministic=True)


def _const(value: float) -> ColumnElement:
    """A float written into the SQL text (shortest round-trip form, so both databases read
    back the same double): a 1000-point ring would otherwise need ~30,000 bind parameters."""
    return literal_column(f"({float(value)!r})", Float)


def _odd(conditions: list) -> ColumnElement:
    """SQL: an odd number of the conditions hold, as a balanced tree of ``<>`` (XOR), so a
    1000-edge ring stays 10 levels deep (SQLite refuses expressions over 1000 levels)."""
    if len(conditions) == 1:
        return conditions[0]
    middle = len(conditions) // 2
    return _odd(conditions[:middle]) != _odd(conditions[middle:])


def _crossings(prepared: PreparedRing, lat: ColumnElement, lon: ColumnElement) -> ColumnElement:
    """SQL: ``geometry.crosses`` with the ring's numbers as constants (an odd number of edges
    crossed by the ray from (lat, lon): inside). ``(yi > lat) <> (yj > lat)`` is written as
    the band ``min(yi, yj) <= lat < max(yi, yj)`` and each edge's differences are computed
    here, in the same doubles, so the result matches Python's bit for bit; level edges never
    count."""
    lats, lons = prepared.lats, prepared.lons
    crossed = []
    for i in range(len(lats)):
        j = i - 1 if i else len(lats) - 1
        if lats[i] == lats[j]:
            continue
        low, high = min(lats[i], lats[j]), max(lats[i], lats[j])
        crossing_lon = (_const(lons[j] - lons[i]) * (lat - _const(lats[i]))
                        / _const(lats[j] - lats[i]) + _const(lons[i]))
        crossed.append(and_(lat >= _const(low), lat < _const(high), lon < crossing_lon))
    return _odd(crossed) if crossed else false()


def ring_contains_sql(lat_col: ColumnElement, lon_col: ColumnElement,
                      ring) -> ColumnElement:
    """SQL for ``geometry.point_in_ring(lat_col, lon_col, ring)`` on SQLite and PostgreSQL.

    For longitudes within [-180, 180] (what the position columns hold): the candidates a
    turn east or west are only tested for a ring that reaches past 180 or -180, as only
    then can they fall inside its longitude range. NULL coordinates are not inside.
    """
    prepared = prepare_ring(ring)
    if not prepared.lats:
        return false()
    lat = (lat_col + _const(SNAP)) - _const(SNAP)
    lon = (lon_col + _const(SNAP)) - _const(SNAP)
    candidates = [lon]
    if prepared.max_lon >= 180.0:
        candidates.append(lon + _const(FULL_TURN))
    if prepared.min_lon <= -180.0:
        candidates.append(lon - _const(FULL_TURN))
    inside = and_(lat >= _const(prepared.min_lat), lat <= _const(prepared.max_lat), or_(*[
        and_(c >= _const(prepared.min_lon), c <= _const(prepared.max_lon),
             _crossings(prepared, lat, c)) for c in candidates]))
    # Opaque to PostgreSQL's planner, which otherwise multiplies the guesses for each range
    # above (a box's worth of rows becomes 1), and then probes indexes row by row where a
    # hash join is several times faster; a CASE is estimated to keep half the rows.
    return case((inside, True), else_=False)


# Mirrors geometry.py operation for operation (same IEEE doubles, same order), so PostgreSQL
# and Python agree even for points a rounding error away from an edge. geo_in_ring and
# geo_distance_km (hence its repeated term) are inlinable SQL functions: with a constant ring
# the planner folds geo_ring_prepare into a constant array, so the JSON is parsed once per
# query, not once per row. Free of '%' and ':name', so it passes unchanged through DB-API
# drivers and SQLAlchemy text().
POSTGRES_FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION geo_snap(v float8)
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (v + 512.0::float8) - 512.0::float8
$$;

CREATE OR REPLACE FUNCTION geo_haversine(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT power(sin(radians(lat2 - lat1) / 2), 2)
         + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)
$$;

CREATE OR REPLACE FUNCTION geo_distance_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT 2 * 6371.0088::float8 * atan2(
    sqrt(geo_haversine(geo_snap(lat1), geo_snap(lon1), geo_snap(lat2), geo_snap(lon2))),
    sqrt(abs(1 - geo_haversine(geo_snap(lat1), geo_snap(lon1), geo_snap(lat2), geo_snap(lon2)))))
$$;

-- [min_lat, max_lat, min_lon, max_lon, lat0, lon0, lat1, lon1, ...], longitudes unwrapped.
CREATE OR REPLACE FUNCTION geo_ring_prepare(ring jsonb)
RETURNS float8[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  n integer := jsonb_array_length(ring);
  lats float8[] := '{}';
  lons float8[] := '{}';
  flat float8[] := '{}';
  lat float8;
  lon float8;
  prev float8;
  shift float8 := 0;
BEGIN
  IF n = 0 THEN
    RETURN ARRAY[1, 0, 1, 0]::float8[];  -- empty bounds: contains nothing
  END IF;
  FOR i IN 0 .. n - 1 LOOP
    lat := geo_snap((ring -> i ->> 0)::float8);
    lon := geo_snap((ring -> i ->> 1)::float8);
    IF i > 0 THEN
      shift := shift - 360.0 * floor((lon - prev + 180.0) / 360.0);
    END IF;
    prev := lon;
    lats := lats || lat;
    lons := lons || (lon + shift);
    flat := flat || lat || (lon + shift);
  END LOOP;
  RETURN ARRAY[(SELECT min(v) FROM unnest(lats) v), (SELECT max(v) FROM unnest(lats) v),
               (SELECT min(v) FROM unnest(lons) v), (SELECT max(v) FROM unnest(lons) v)]
         || flat;
END
$$;

CREATE OR REPLACE FUNCTION geo_ring_contains(lat float8, lon float8, ring float8[])
RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  n integer := (array_length(ring, 1) - 4) / 2;
  slat float8 := geo_snap(lat);
  slon float8 := geo_snap(lon);
  candidate float8;
  inside boolean;
  j integer;
  yi float8; yj float8; xi float8; xj float8;
BEGIN
  IF n < 1 OR slat < ring[1] OR slat > ring[2] THEN
    RETURN false;
  END IF;
  FOREACH candidate IN ARRAY ARRAY[slon, slon + 360.0, slon - 360.0] LOOP
    CONTINUE WHEN candidate < ring[3] OR candidate > ring[4];
    inside := false;
    j := n - 1;
    FOR i IN 0 .. n - 1 LOOP
      yi := ring[5 + 2 * i]; xi := ring[6 + 2 * i];
      yj := ring[5 + 2 * j]; xj := ring[6 + 2 * j];
      IF (yi > slat) <> (yj > slat) THEN
        IF candidate < (xj - xi) * (slat - yi) / (yj - yi) + xi THEN
          inside := NOT inside;
        END IF;
      END IF;
      j := i;
    END LOOP;
    IF inside THEN
      RETURN true;
    END IF;
  END LOOP;
  RETURN false;
END
$$;

CREATE OR REPLACE FUNCTION geo_in_ring(lat float8, lon float8, ring_json jsonb)
RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT geo_ring_contains(lat, lon, geo_ring_prepare(ring_json))
$$;

CREATE OR REPLACE FUNCTION geo_in_ring(lat float8, lon float8, ring_json text)
RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT geo_ring_contains(lat, lon, geo_ring_prepare(ring_json::jsonb))
$$;

CREATE OR REPLACE FUNCTION geo_in_ring(lat float8, lon float8, ring_json json)
RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT geo_ring_contains(lat, lon, geo_ring_prepare(ring_json::jsonb))
$$;
"""

POSTGRES_DROP_FUNCTIONS_SQL = """
DROP FUNCTION IF EXISTS geo_in_ring(float8, float8, json);
DROP FUNCTION IF EXISTS geo_in_ring(float8, float8, text);
DROP FUNCTION IF EXISTS geo_in_ring(float8, float8, jsonb);
DROP FUNCTION IF EXISTS geo_ring_contains(float8, float8, float8[]);
DROP FUNCTION IF EXISTS geo_ring_prepare(jsonb);
DROP FUNCTION IF EXISTS geo_distance_km(float8, float8, float8, float8);
DROP FUNCTION IF EXISTS geo_haversine(float8, float8, float8, float8);
DROP FUNCTION IF EXISTS geo_snap(float8);
"""
