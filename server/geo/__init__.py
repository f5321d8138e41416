"""Area and location helpers shared by alerts, SOS and roll calls (no Flask in here).

Geometry for CAP circles and polygons, their validation, the same tests as SQL functions for
SQLite and PostgreSQL, and offline position -> country and region. Importing is cheap: the
boundary data loads on the first lookup.
"""
from server.geo.countries import country_at, subdivision_at
from server.geo.geometry import (
    EARTH_RADIUS_KM,
    BBox,
    circle_bboxes,
    distance_from,
    haversine_km,
    point_in_ring,
    prepare_ring,
    ring_bboxes,
    ring_contains,
)
from server.geo.sql import (
    POSTGRES_DROP_FUNCTIONS_SQL,
    POSTGRES_FUNCTIONS_SQL,
    register_sqlite_functions,
    ring_contains_sql,
)
from server.geo.validation import MAX_RING_POINTS, circle_problems, ring_problems

__all__ = [
    "EARTH_RADIUS_KM",
    "MAX_RING_POINTS",
    "POSTGRES_DROP_FUNCTIONS_SQL",
    "POSTGRES_FUNCTIONS_SQL",
    "BBox",
    "circle_bboxes",
    "circle_problems",
    "country_at",
    "distance_from",
    "haversine_km",
    "point_in_ring",
    "prepare_ring",
    "register_sqlite_functions",
    "ring_bboxes",
    "ring_contains",
    "ring_contains_sql",
    "ring_problems",
    "subdivision_at",
]
