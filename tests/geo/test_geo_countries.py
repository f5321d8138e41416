"""Offline position -> country from the bundled Natural Earth boundaries."""
import gzip
import json
import random

import pytest

from server.geo import country_at
from server.geo.countries import DATA_FILE
from server.geo.geometry import crosses


@pytest.mark.parametrize(("lat", "lon", "code"), [
    (48.8566, 2.3522, "FR"),      # Paris
    (39.9042, 116.4074, "CN"),    # Beijing
    (35.6762, 139.6503, "JP"),    # Tokyo
    (30.0444, 31.2357, "EG"),     # Cairo
    (-34.6037, -58.3816, "AR"),   # Buenos Aires
    (-33.8688, 151.2093, "AU"),   # Sydney
    (-1.2921, 36.8219, "KE"),     # Nairobi
    (-16.5, 179.5, "FJ"),         # Vanua Levu, west of the antimeridian
    (-16.8, -179.9, "FJ"),        # Taveuni, east of it
    (66.0, -175.0, "RU"),         # Chukotka, stored across the antimeridian
    (-29.5, 28.2, "LS"),          # Lesotho, a hole in South Africa
    (-26.2, 28.0, "ZA"),          # Johannesburg
    (-80.0, 0.0, "AQ"),           # Antarctica, a ring around the pole
    (-90.0, 0.0, "AQ"),
])
def test_country_at_known_places(lat, lon, code):
    assert country_at(lat, lon) == code


@pytest.mark.parametrize(("lat", "lon"), [(0, -30), (0, -150), (-40, 80), (90, 0)])
def test_country_at_sea_is_none(lat, lon):
    assert country_at(lat, lon) is None


@pytest.mark.parametrize(("lat", "lon"), [
    (100, 0), (-90.1, 0), (0, 180.5), (float("nan"), 0), ("48", 2), (None, 2), (True, 2)])
def test_country_at_rejects_bad_positions(lat, lon):
    with pytest.raises(ValueError):
        country_at(lat, lon)


def test_antimeridian_is_one_meridian():
    assert country_at(66.0, 180) == country_at(66.0, -180) == "RU"


def _brute_force(polygons, lat, lon):
    """Every polygon's rings, no index (only a bounding-box shortcut)."""
    for code, rings, (west, east, south, north) in polygons:
        if not south <= lat <= north:
            continue
        for candidate in (lon, lon + 360, lon - 360):
            if not west <= candidate <= east:
                continue
            inside = False
            for lats, lons in rings:
                if crosses(lats, lons, lat, candidate):
                    inside = not inside
            if inside:
                return code
    return None


def test_index_agrees_with_testing_every_polygon():
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    polygons = []
    for country in data["countries"]:
        for rings in country["polygons"]:
            points = [p for ring in rings for p in ring]
            bounds = (min(p[0] for p in points), max(p[0] for p in points),
                      min(p[1] for p in points), max(p[1] for p in points))
            polygons.append((country["a2"], [([p[1] for p in ring], [p[0] for p in ring])
                                             for ring in rings], bounds))
    rng = random.Random(7)
    for _ in range(1000):
        lat, lon = rng.uniform(-90, 84), rng.uniform(-180, 180)
        assert country_at(lat, lon) == _brute_force(polygons, lat, lon), (lat, lon)
