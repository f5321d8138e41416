"""Distance, point-in-ring and bounding boxes, including rings across the antimeridian."""
import math

from hypothesis import given
from hypothesis import strategies as st

from server.geo import (
    EARTH_RADIUS_KM,
    BBox,
    circle_bboxes,
    haversine_km,
    point_in_ring,
    ring_bboxes,
)

SQUARE = [(0, 0), (0, 10), (10, 10), (10, 0), (0, 0)]
# 20 degrees wide, centred on the antimeridian (Fiji, Tonga).
ACROSS_DATELINE = [(-10, 170), (-10, -170), (10, -170), (10, 170), (-10, 170)]


def in_boxes(boxes, lat, lon):
    return any(b.min_lat <= lat <= b.max_lat and b.min_lon <= lon <= b.max_lon for b in boxes)


def test_haversine_matches_known_distances():
    assert haversine_km(0, 0, 0, 0) == 0
    assert math.isclose(haversine_km(0, 0, 0, 1), 2 * math.pi * EARTH_RADIUS_KM / 360)
    assert math.isclose(haversine_km(48.8566, 2.3522, 51.5074, -0.1278), 343.5, abs_tol=0.5)
    assert math.isclose(haversine_km(0, 179.5, 0, -179.5), haversine_km(0, 0, 0, 1))


def test_haversine_of_antipodes_is_half_the_circumference():
    half = math.pi * EARTH_RADIUS_KM
    assert math.isclose(haversine_km(0, 0, 0, 180), half)
    assert math.isclose(haversine_km(10, 20, -10, -160), half, rel_tol=1e-8)  # within 1 m


def test_point_in_simple_and_concave_rings():
    assert point_in_ring(5, 5, SQUARE)
    assert not point_in_ring(5, 15, SQUARE)
    assert not point_in_ring(-1, 5, SQUARE)
    notch = [(0, 0), (0, 10), (10, 10), (10, 6), (2, 5), (10, 4), (10, 0), (0, 0)]
    assert point_in_ring(1, 5, notch)
    assert not point_in_ring(8, 5, notch)
    assert point_in_ring(8, 8, notch)


def test_ring_across_the_antimeridian_contains_both_sides():
    for lon in (175, 180, -180, -175):
        assert point_in_ring(0, lon, ACROSS_DATELINE)
    for lon in (0, 160, -160):
        assert not point_in_ring(0, lon, ACROSS_DATELINE)
    assert not point_in_ring(15, 180, ACROSS_DATELINE)


def test_ring_wider_than_180_degrees_in_small_steps_is_not_mistaken_for_a_crossing():
    wide = [(0, -100), (0, 0), (0, 100), (10, 100), (10, 0), (10, -100), (0, -100)]
    assert point_in_ring(5, 0, wide)
    assert point_in_ring(5, 90, wide)
    assert not point_in_ring(5, 180, wide)


def test_empty_and_degenerate_rings_contain_nothing():
    assert not point_in_ring(0, 0, [])
    assert not point_in_ring(0, 0, [(0, 0), (0, 0)])


def test_circle_box_is_one_box_away_from_the_antimeridian():
    [box] = circle_bboxes(48.85, 2.35, 100)
    assert box.min_lat < 48.85 - 0.89 and box.max_lat > 48.85 + 0.89
    assert box.min_lon < 2.35 - 1.3 < box.max_lon and box.max_lon > 2.35 + 1.3


def test_circle_across_the_antimeridian_gives_two_boxes():
    boxes = circle_bboxes(-17.7, 179.9, 50)
    assert len(boxes) == 2
    assert {b.max_lon for b in boxes} >= {180.0} and {b.min_lon for b in boxes} >= {-180.0}
    assert in_boxes(boxes, -17.7, -179.9)
    assert in_boxes(boxes, -17.7, 179.6)


def test_circle_reaching_a_pole_spans_every_longitude():
    [box] = circle_bboxes(89.5, 10, 100)
    assert box == BBox(box.min_lat, 90.0, -180.0, 180.0)


def test_ring_boxes_split_at_the_antimeridian():
    assert ring_bboxes(SQUARE) == [BBox(0, 10, 0, 10)]
    assert sorted(ring_bboxes(ACROSS_DATELINE)) == [BBox(-10, 10, -180, -170),
                                                    BBox(-10, 10, 170, 180)]


@given(lat=st.floats(-85, 85), lon=st.floats(-180, 180), radius=st.floats(0.01, 2000),
       bearing=st.floats(0, 2 * math.pi), fraction=st.floats(0, 1))
def test_every_point_of_a_circle_lies_in_its_boxes(lat, lon, radius, bearing, fraction):
    # Destination point at distance fraction * radius on the sphere.
    angle = fraction * radius / EARTH_RADIUS_KM
    phi1, lam1 = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(angle)
                     + math.cos(phi1) * math.sin(angle) * math.cos(bearing))
    lam2 = lam1 + math.atan2(math.sin(bearing) * math.sin(angle) * math.cos(phi1),
                             math.cos(angle) - math.sin(phi1) * math.sin(phi2))
    lat2, lon2 = math.degrees(phi2), (math.degrees(lam2) + 180) % 360 - 180
    if haversine_km(lat, lon, lat2, lon2) <= radius:
        assert in_boxes(circle_bboxes(lat, lon, radius), lat2, lon2)
