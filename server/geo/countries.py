"""Offline reverse geocoding: the country (ISO 3166-1 alpha-2) and the region (ISO 3166-2) at
a position.

Countries are Natural Earth 1:50m (about 1 km), prepared by ``build_countries.py``; positions
on features without an ISO code (Kosovo, N. Cyprus, Somaliland...) and at sea give None.
Regions are Natural Earth 1:10m admin-1, simplified to about 1 km, prepared by
``build_subdivisions.py`` for the countries that the missions' jurisdictions split by region
only; elsewhere the region is None.
Nothing is read at import; the first lookup loads and indexes the data (a fraction of a
second), after which a lookup tests only the few edges near the point.
"""
from __future__ import annotations

import functools
import gzip
import json
import math
import threading
from pathlib import Path
from typing import NamedTuple

DATA_FILE = Path(__file__).parent / "data" / "countries.json.gz"
SUBDIVISIONS_FILE = Path(__file__).parent / "data" / "subdivisions.json.gz"
# Where each file keeps its areas, and each area its code.
LAYOUT = {DATA_FILE: ("countries", "a2"), SUBDIVISIONS_FILE: ("subdivisions", "code")}
GRID_COLUMNS = 360

Edge = tuple[float, float, float, float]  # lat1, lat2, lon1, lon2


class _Polygon(NamedTuple):
    """One polygon (outer ring and holes) with its edges bucketed by 1-degree latitude row."""

    code: str
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float
    rows: dict[int, list[Edge]]


class _Index(NamedTuple):
    polygons: list[_Polygon]
    grid: dict[int, list[int]]  # 1-degree cell -> polygons whose box touches it, smallest first


def _cell(lat: float, lon: float) -> int:
    row = min(math.floor(lat), 89) + 90
    return row * GRID_COLUMNS + (math.floor(lon) + 180) % GRID_COLUMNS


def _polygon(code: str, rings: list[list[list[float]]]) -> _Polygon:
    rows: dict[int, list[Edge]] = {}
    for ring in rings:
        for (lon1, lat1), (lon2, lat2) in zip(ring, ring[1:], strict=False):
            if lat1 == lat2:
                continue  # a horizontal edge never crosses a horizontal ray
            for row in range(math.floor(min(lat1, lat2)), math.floor(max(lat1, lat2)) + 1):
                rows.setdefault(row, []).append((lat1, lat2, lon1, lon2))
    # Bounds over every ring: Antarctica's first ring is a sliver at the pole, the coast a hole.
    lats = [p[1] for ring in rings for p in ring]
    lons = [p[0] for ring in rings for p in ring]
    return _Polygon(code, min(lats), max(lats), min(lons), max(lons), rows)


def _grid(polygons: list[_Polygon]) -> dict[int, list[int]]:
    grid: dict[int, list[int]] = {}
    by_size = sorted(range(len(polygons)), key=lambda i: (
        (polygons[i].max_lat - polygons[i].min_lat) * (polygons[i].max_lon - polygons[i].min_lon)))
    for i in by_size:
        poly = polygons[i]
        first_lon, last_lon = math.floor(poly.min_lon), math.floor(poly.max_lon)
        columns = range(first_lon, min(last_lon, first_lon + GRID_COLUMNS - 1) + 1)
        for row in range(math.floor(poly.min_lat), min(math.floor(poly.max_lat), 89) + 1):
            for column in columns:
                grid.setdefault(_cell(row, column), []).append(i)
    return grid


_LOAD_LOCK = threading.Lock()


def _index(path: Path = DATA_FILE) -> _Index:
    """Load the boundaries and build the lookup index, once per process and file.

    The lock makes concurrent first calls (a burst of SOS at start-up) wait for one load
    instead of each loading the data.
    """
    with _LOAD_LOCK:
        return _load_index(path)


@functools.cache
def _load_index(path: Path) -> _Index:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    areas, code = LAYOUT[path]
    polygons = [_polygon(area[code], rings) for area in data[areas] for rings in area["polygons"]]
    return _Index(polygons, _grid(polygons))


def _contains(poly: _Polygon, lat: float, lon: float) -> bool:
    """Even-odd ray cast over the polygon's edges in the point's latitude row."""
    inside = False
    for lat1, lat2, lon1, lon2 in poly.rows.get(math.floor(lat), ()):
        if (lat1 > lat) != (lat2 > lat) and lon < (
                (lon2 - lon1) * (lat - lat1) / (lat2 - lat1) + lon1):
            inside = not inside
    return inside


def _check_position(lat: float, lon: float) -> None:
    for name, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number")
        if not -limit <= value <= limit:  # also rejects NaN
            raise ValueError(f"{name} must be within -{limit}..{limit}")


def _lookup(index: _Index, lat: float, lon: float, prefix: str = "") -> str | None:
    _check_position(lat, lon)
    lat, lon = float(lat), float(lon)
    if lon == 180.0:
        lon = -180.0
    for i in index.grid.get(_cell(lat, lon), ()):
        poly = index.polygons[i]
        if not poly.min_lat <= lat <= poly.max_lat or not poly.code.startswith(prefix):
            continue
        for candidate in (lon, lon + 360.0, lon - 360.0):
            if poly.min_lon <= candidate <= poly.max_lon and _contains(poly, lat, candidate):
                return poly.code
    return None


def country_at(lat: float, lon: float) -> str | None:
    """ISO 3166-1 alpha-2 code of the country containing (lat, lon); None at sea.

    Raises ValueError for a position that is not a valid latitude/longitude.
    """
    return _lookup(_index(), lat, lon)


def subdivision_at(lat: float, lon: float, country: str) -> str | None:
    """ISO 3166-2 code of the region of ``country`` containing (lat, lon), at the level the
    missions' jurisdictions name (``US-CA``, ``IT-25``, ``GB-SCT``); None where the data has
    no region of that country (not split by any jurisdiction, or at sea).

    Only ``country``'s regions are tested: near a border, the simplified outlines of the
    two data sets may disagree by a few hundred metres, and the country decides.
    """
    return _lookup(_index(SUBDIVISIONS_FILE), lat, lon, prefix=f"{country}-")
