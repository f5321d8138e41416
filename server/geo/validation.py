"""Checks for CAP areas drawn or typed by staff, returning short problem codes.

The codes (``not_closed``, ``self_intersecting``...) are for the caller to map to a field error
in the user's language; they are never shown as they are.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from server.geo.geometry import unwrap_lons

MAX_RING_POINTS = 1000
MIN_RING_POINTS = 4  # CAP: a closed ring of at least three distinct vertices

Point = tuple[float, float]  # (x, y) = (unwrapped lon, lat)
Edge = tuple[Point, Point]


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _in_range(value: Any, low: float, high: float) -> bool:
    return _is_number(value) and low <= value <= high


def _point_problems(ring: Sequence[Any]) -> list[str]:
    problems: set[str] = set()
    for point in ring:
        if (not isinstance(point, Sequence) or isinstance(point, str) or len(point) != 2
                or not all(_is_number(v) for v in point)):
            problems.add("bad_point")
            continue
        if not -90 <= point[0] <= 90:
            problems.add("lat_out_of_range")
        if not -180 <= point[1] <= 180:
            problems.add("lon_out_of_range")
    return sorted(problems)


def _orientation(a: Point, b: Point, c: Point) -> int:
    cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (cross > 0) - (cross < 0)


def _on_segment(a: Point, b: Point, c: Point) -> bool:
    """For collinear a, b, c: whether c lies on segment a-b."""
    return (min(a[0], b[0]) <= c[0] <= max(a[0], b[0])
            and min(a[1], b[1]) <= c[1] <= max(a[1], b[1]))


def segments_intersect(p: Edge, q: Edge) -> bool:
    """Whether two closed segments share any point (touching and overlapping count)."""
    (a, b), (c, d) = p, q
    o1, o2 = _orientation(a, b, c), _orientation(a, b, d)
    o3, o4 = _orientation(c, d, a), _orientation(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and _on_segment(a, b, c)) or (o2 == 0 and _on_segment(a, b, d))
            or (o3 == 0 and _on_segment(c, d, a)) or (o4 == 0 and _on_segment(c, d, b)))


def _doubles_back(p: Edge, q: Edge) -> bool:
    """For consecutive edges p then q: whether q runs back along p (a zero-width spike)."""
    (a, b), (_, c) = p, q
    dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1])
    return _orientation(a, b, c) == 0 and dot < 0


def _is_self_intersecting(vertices: list[Point]) -> bool:
    """Sweep over edges sorted by west end; only edges overlapping in lon are compared."""
    count = len(vertices)
    edges = [(vertices[i], vertices[(i + 1) % count]) for i in range(count)]
    if any(_doubles_back(edges[i], edges[(i + 1) % count]) for i in range(count)):
        return True
    order = sorted(range(count), key=lambda i: min(edges[i][0][0], edges[i][1][0]))
    for pos, i in enumerate(order):
        east = max(edges[i][0][0], edges[i][1][0])
        for j in order[pos + 1:]:
            if min(edges[j][0][0], edges[j][1][0]) > east:
                break
            if abs(i - j) in (1, count - 1):
                continue  # neighbours share a vertex by construction
            if segments_intersect(edges[i], edges[j]):
                return True
    return False


def _distinct_vertices(ring: Sequence[Sequence[float]]) -> list[Point]:
    """Open ring of (unwrapped lon, lat) with repeated consecutive points dropped."""
    lons = unwrap_lons([float(p[1]) for p in ring])
    vertices: list[Point] = []
    for lon, point in zip(lons, ring, strict=True):
        if not vertices or vertices[-1] != (lon, float(point[0])):
            vertices.append((lon, float(point[0])))
    if len(vertices) > 1 and vertices[-1] == vertices[0]:
        vertices.pop()
    return vertices


def _area(vertices: list[Point]) -> float:
    count = len(vertices)
    return sum(vertices[i][0] * vertices[(i + 1) % count][1]
               - vertices[(i + 1) % count][0] * vertices[i][1] for i in range(count)) / 2


def ring_problems(ring: Any) -> list[str]:
    """Problem codes for a CAP polygon ring of (lat, lon) pairs; empty when it is usable."""
    if not isinstance(ring, Sequence) or isinstance(ring, str) or len(ring) < MIN_RING_POINTS:
        return ["too_few_points"]
    if len(ring) > MAX_RING_POINTS:
        return ["too_many_points"]
    problems = _point_problems(ring)
    if problems:
        return problems
    (lat0, lon0), (lat1, lon1) = ring[0], ring[-1]
    if lat0 != lat1 or (lon0 - lon1) % 360 != 0:  # -180 and 180 are the same meridian
        return ["not_closed"]
    lons = unwrap_lons([float(p[1]) for p in ring])
    if lons[-1] != lons[0]:
        return ["encircles_pole"]
    vertices = _distinct_vertices(ring)
    if len(vertices) < 3:
        return ["too_few_points"]
    if _is_self_intersecting(vertices):
        return ["self_intersecting"]
    if _area(vertices) == 0:
        return ["zero_area"]
    return []


def circle_problems(lat: Any, lon: Any, radius_km: Any, max_km: float = 2000) -> list[str]:
    """Problem codes for a CAP circle (centre and radius in km); empty when it is usable."""
    problems = []
    if not _in_range(lat, -90, 90):
        problems.append("lat_out_of_range")
    if not _in_range(lon, -180, 180):
        problems.append("lon_out_of_range")
    if not _in_range(radius_km, 0, max_km) or radius_km == 0:
        problems.append("radius_out_of_range")
    return problems
