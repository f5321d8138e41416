"""Spherical distance, point-in-polygon and bounding boxes for CAP areas.

Positions are (lat, lon) in degrees; a CAP polygon is a closed ring of (lat, lon) pairs whose
first and last points are equal. Edges are straight lines in (lon, lat), as CAP consumers draw
them, and an edge whose longitudes differ by more than 180 degrees takes the short way across
the antimeridian, so rings around Fiji or the Bering Strait work as drawn.

``sql.py`` mirrors ``haversine_km`` and ``ring_contains`` in PostgreSQL operation for operation;
change them together (the property tests check they agree).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
FULL_TURN = 360.0
SNAP = 512.0  # see snap()
SLACK_DEG = 1e-9  # widens circle boxes so rounding never drops a point the exact test keeps

LatLon = Sequence[float]


class BBox(NamedTuple):
    """A latitude/longitude box with min_lon <= max_lon (never crossing the antimeridian)."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


class PreparedRing(NamedTuple):
    """A ring with continuous longitudes (see ``unwrap_lons``) and its bounds."""

    lats: tuple[float, ...]
    lons: tuple[float, ...]
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def snap(degrees: float) -> float:
    """A coordinate rounded to a 2**-44 degree grid (about 6 nm), 0 for anything smaller.

    Then no product of coordinate differences can underflow: PostgreSQL raises an error on
    underflow where Python quietly gives 0, and one absurd row must not abort a query.
    """
    return (degrees + SNAP) - SNAP


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of the Earth's mean radius."""
    return distance_from(lat2, lon2)(lat1, lon1)


def distance_from(lat2: float, lon2: float) -> Callable[[float, float], float]:
    """``haversine_km(lat1, lon1, lat2, lon2)`` as a function of (lat1, lon1), the same double
    for double, with the fixed point's terms worked out once (many points, one centre)."""
    lat2, lon2 = snap(lat2), snap(lon2)
    cos2 = math.cos(math.radians(lat2))
    sin, cos, radians = math.sin, math.cos, math.radians

    def distance(lat1: float, lon1: float) -> float:
        lat1, lon1 = snap(lat1), snap(lon1)
        a = (sin(radians(lat2 - lat1) / 2) ** 2
             + cos(radians(lat1)) * cos2 * sin(radians(lon2 - lon1) / 2) ** 2)
        # atan2 rather than asin: it stays defined when rounding pushes ``a`` just past 1.
        return 2 * EARTH_RADIUS_KM * math.atan2(math.sqrt(a), math.sqrt(abs(1 - a)))

    return distance


def unwrap_lons(lons: Sequence[float]) -> list[float]:
    """Longitudes made continuous from the first one: a step over 180 degrees goes the short way.

    Only whole turns are added, so a ring that does not cross the antimeridian is unchanged
    bit for bit.
    """
    out: list[float] = []
    shift = 0.0
    for i, lon in enumerate(lons):
        if i:
            step = lon - lons[i - 1]
            shift -= FULL_TURN * math.floor((step + 180.0) / FULL_TURN)
        out.append(lon + shift)
    return out


def prepare_ring(ring: Sequence[LatLon]) -> PreparedRing:
    """Unwrap a (lat, lon) ring once so many points can be tested against it."""
    if not ring:
        return PreparedRing((), (), 1.0, 0.0, 1.0, 0.0)  # empty bounds: contains nothing
    lats = tuple(snap(float(p[0])) for p in ring)
    lons = tuple(unwrap_lons([snap(float(p[1])) for p in ring]))
    return PreparedRing(lats, lons, min(lats), max(lats), min(lons), max(lons))


def crosses(lats: Sequence[float], lons: Sequence[float], lat: float, lon: float) -> bool:
    """Even-odd ray cast (ray towards +lon): is (lat, lon) inside the planar ring?"""
    inside = False
    j = len(lats) - 1
    for i in range(len(lats)):
        if (lats[i] > lat) != (lats[j] > lat) and lon < (
                (lons[j] - lons[i]) * (lat - lats[i]) / (lats[j] - lats[i]) + lons[i]):
            inside = not inside
        j = i
    return inside


def ring_contains(prepared: PreparedRing, lat: float, lon: float) -> bool:
    """Whether a prepared ring contains the point, trying the point a turn east and west too."""
    lat, lon = snap(lat), snap(lon)
    if not prepared.lats or not prepared.min_lat <= lat <= prepared.max_lat:
        return False
    for candidate in (lon, lon + FULL_TURN, lon - FULL_TURN):
        if (prepared.min_lon <= candidate <= prepared.max_lon
                and crosses(prepared.lats, prepared.lons, lat, candidate)):
            return True
    return False


def point_in_ring(lat: float, lon: float, ring: Sequence[LatLon]) -> bool:
    """Whether (lat, lon) lies inside a CAP polygon ring (antimeridian-crossing rings included)."""
    return ring_contains(prepare_ring(ring), lat, lon)


def split_lon_range(min_lat: float, max_lat: float, west: float, east: float) -> list[BBox]:
    """Boxes for a continuous longitude range that may run past +-180 (one box, or two)."""
    if east - west >= FULL_TURN:
        return [BBox(min_lat, max_lat, -180.0, 180.0)]
    turns = math.floor((west + 180.0) / FULL_TURN)
    west, east = west - turns * FULL_TURN, east - turns * FULL_TURN  # now -180 <= west < 180
    if east <= 180.0:
        return [BBox(min_lat, max_lat, west, east)]
    return [BBox(min_lat, max_lat, west, 180.0), BBox(min_lat, max_lat, -180.0, east - FULL_TURN)]


def circle_bboxes(lat: float, lon: float, radius_km: float) -> list[BBox]:
    """Boxes covering a circle, for an index prefilter before the exact distance test.

    Two boxes when the circle crosses the antimeridian; the full longitude range when it
    reaches a pole.
    """
    angle = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angle) + SLACK_DEG
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    ratio = math.sin(angle) / math.cos(math.radians(lat)) if abs(lat) < 90 else 2.0
    if min_lat <= -90.0 or max_lat >= 90.0 or angle >= math.pi / 2 or ratio >= 1.0:
        return [BBox(min_lat, max_lat, -180.0, 180.0)]
    # Widest longitude of a spherical circle: where the circle touches its tangent meridians.
    dlon = math.degrees(math.asin(ratio)) + SLACK_DEG
    return split_lon_range(min_lat, max_lat, lon - dlon, lon + dlon)


def ring_bboxes(ring: Sequence[LatLon]) -> list[BBox]:
    """Boxes covering a ring, split in two when it crosses the antimeridian."""
    prepared = prepare_ring(ring)
    return split_lon_range(prepared.min_lat, prepared.max_lat,
                           prepared.min_lon, prepared.max_lon)
