"""Message areas: validation, bounding boxes, the SQL test of a point, and jurisdiction.

Geometry itself (ring and circle checks, distances, point in ring) is ``server.geo``'s;
the same tests run inside SQL (``geo_distance_km``, ``geo.ring_contains_sql``) so the
audience is computed by the database: an indexed bounding-box prefilter, then the exact test.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, or_

from server import geo
from server.broadcast.models import MessageArea
from server.places import services as places


def problems(area: dict) -> dict:
    """Field errors of one area (``{}`` when it is usable); codes are normalised in place."""
    kind = area.get("kind")
    need = {"country": ("code",), "subdivision": ("code",), "circle": ("lat", "lon", "radius_km"),
            "polygon": ("ring",)}.get(kind, ())
    missing = {f: [_l("Missing data for required field.")] for f in need if area.get(f) is None}
    if missing:
        return missing
    if kind in ("country", "subdivision"):
        area["code"] = code = area["code"].strip().upper()
        known = places.is_country(code) if kind == "country" else (
            len(code) > 2 and places.is_subdivision(code))
        if not known:
            return {"code": [_l("Not a known country code (ISO 3166-1 alpha-2).") if
                             kind == "country" else _l("Not a known region code (ISO 3166-2).")]}
    elif kind == "circle":
        fields = {"lat_out_of_range": "lat", "lon_out_of_range": "lon"}
        errors: dict = {}
        for problem in geo.circle_problems(area["lat"], area["lon"], area["radius_km"]):
            errors.setdefault(fields.get(problem, "radius_km"), []).append(_message(problem))
        return errors
    elif kind == "polygon":
        found = geo.ring_problems(area["ring"])
        if found:
            return {"ring": [_message(p) for p in found]}
    return {}


_MESSAGES = {
    "not_closed": _l("The ring must end where it starts (repeat the first point last)."),
    "too_few_points": _l("A polygon needs at least 4 points (the first repeated last)."),
    "too_many_points": _l("A polygon has at most 1000 points."),
    "bad_point": _l("Each point is [latitude, longitude]."),
    "self_intersecting": _l("The polygon crosses itself."),
    "zero_area": _l("The polygon has no area."),
    "encircles_pole": _l("The polygon must not go around a pole."),
    "radius_out_of_range": _l("The radius must be more than 0 and at most 2000 km."),
    "lat_out_of_range": _l("Latitude must be between -90 and 90."),
    "lon_out_of_range": _l("Longitude must be between -180 and 180."),
}


def _message(problem):
    return _MESSAGES.get(problem, _l("Invalid value."))


def bounding_box(kind: str, lat=None, lon=None, radius_km=None, ring=None):
    """(min_lat, max_lat, min_lon, max_lon) of a circle or polygon, from ``server.geo``'s
    boxes; min_lon > max_lon when it crosses the antimeridian. None for codes."""
    if kind == "circle":
        boxes = geo.circle_bboxes(lat, lon, radius_km)
    elif kind == "polygon":
        boxes = geo.ring_bboxes(ring)
    else:
        return None
    min_lat, max_lat = min(b.min_lat for b in boxes), max(b.max_lat for b in boxes)
    if len(boxes) == 1:
        return min_lat, max_lat, boxes[0].min_lon, boxes[0].max_lon
    west = next(b for b in boxes if b.max_lon == 180.0)
    east = next(b for b in boxes if b.min_lon == -180.0)
    return min_lat, max_lat, west.min_lon, east.max_lon


def build_area(data: dict) -> MessageArea:
    """A ``MessageArea`` from validated input, with the bounding box of a circle or polygon."""
    kind = data["kind"]
    area = MessageArea(kind=kind)
    if kind in ("country", "subdivision"):
        area.code = data["code"]
    elif kind == "circle":
        area.lat, area.lon, area.radius_km = data["lat"], data["lon"], data["radius_km"]
    else:
        area.ring = [[float(lat), float(lon)] for lat, lon in data["ring"]]
    box = bounding_box(kind, area.lat, area.lon, area.radius_km, area.ring)
    if box:
        area.min_lat, area.max_lat, area.min_lon, area.max_lon = box
    return area


def point_in(area, lat_col, lon_col):
    """SQL: the point (lat_col, lon_col) lies in the area (circle or polygon rows only)."""
    if area.min_lon <= area.max_lon:
        lon_ok = lon_col.between(area.min_lon, area.max_lon)
    else:
        lon_ok = or_(lon_col >= area.min_lon, lon_col <= area.max_lon)
    box = and_(lat_col.between(area.min_lat, area.max_lat), lon_ok)
    if area.kind == "circle":
        exact = func.geo_distance_km(lat_col, lon_col, area.lat, area.lon) <= area.radius_km
    else:
        exact = geo.ring_contains_sql(lat_col, lon_col, area.ring)
    return and_(box, exact)


def point_test(area):
    """``point_in`` in Python, test for test (the same doubles: ``server.geo`` is what SQLite
    runs as SQL, and PostgreSQL's functions mirror it): ``test(lat, lon)``, for counting many
    points in a worker."""
    min_lat, max_lat, min_lon, max_lon = area.min_lat, area.max_lat, area.min_lon, area.max_lon
    if area.kind == "circle":
        distance, radius = geo.distance_from(area.lat, area.lon), area.radius_km

        def exact(lat, lon):
            return distance(lat, lon) <= radius
    else:
        prepared = geo.prepare_ring(area.ring)

        def exact(lat, lon):
            return geo.ring_contains(prepared, lat, lon)
    wraps = min_lon > max_lon

    def test(lat: float, lon: float) -> bool:
        if not min_lat <= lat <= max_lat:
            return False
        if not ((lon >= min_lon or lon <= max_lon) if wraps else min_lon <= lon <= max_lon):
            return False
        return exact(lat, lon)

    return test


def place_condition(areas, country_col, subdivision_col, lat_col, lon_col):
    """SQL: a row's place (codes and/or coordinates) lies in any of the areas."""
    countries = [a.code for a in areas if a.kind == "country"]
    subdivisions = [a.code for a in areas if a.kind == "subdivision"]
    shapes = [a for a in areas if a.kind in ("circle", "polygon")]
    parts = []
    if countries and country_col is not None:
        parts.append(country_col.in_(countries))
    if subdivisions and subdivision_col is not None:
        parts.append(subdivision_col.in_(subdivisions))
    parts.extend(point_in(a, lat_col, lon_col) for a in shapes)
    return or_(*parts) if parts else false()


def position_condition(areas, country_col, lat_col, lon_col):
    """SQL: a device's position lies in the area. Countries match the country resolved when
    the fix was stored; subdivisions are not resolved from positions (trips cover them)."""
    return place_condition(areas, country_col, None, lat_col, lon_col)


def jurisdiction_problems(user, areas: list[dict]) -> dict:
    """Errors for areas outside the user's jurisdiction, keyed by area index.

    Countries and subdivisions: ``scope.covers``. Circles: the country at the centre must be
    covered as a whole; polygons: the country at every vertex. A place at sea, or a country
    covered only in part (a consulate's states), is refused: an admin or the embassy sends it.
    """
    from server.geo import country_at
    from server.staff import scope

    if user.role == "admin":
        return {}
    errors: dict = {}
    outside = _l("This area is outside your mission's jurisdiction.")
    for index, area in enumerate(areas):
        kind = area["kind"]
        if kind == "country":
            ok, field = scope.covers(user, area["code"]), "code"
        elif kind == "subdivision":
            ok, field = scope.covers(user, places.subdivision_country(area["code"]),
                                     area["code"]), "code"
        elif kind == "circle":
            country = country_at(area["lat"], area["lon"])
            ok, field = country is not None and scope.covers(user, country), "lat"
        else:
            countries = {country_at(lat, lon) for lat, lon in area["ring"]}
            ok = None not in countries and all(scope.covers(user, c) for c in countries)
            field = "ring"
        if not ok:
            errors[index] = {field: [outside]}
    return errors
