"""Problem codes for CAP rings and circles."""
from server.geo import circle_problems, ring_problems

SQUARE = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]


def test_a_valid_ring_has_no_problems():
    assert ring_problems(SQUARE) == []
    assert ring_problems([(-10, 170), (-10, -170), (10, -170), (10, 170), (-10, 170)]) == []


def test_ring_structure_problems():
    assert ring_problems(SQUARE[:-1]) == ["not_closed"]
    assert ring_problems(SQUARE[:3]) == ["too_few_points"]
    assert ring_problems("0,0 1,1") == ["too_few_points"]
    assert ring_problems([[0, 0], [0, 1], [0, 0], [0, 0]]) == ["too_few_points"]
    big = [[0, i / 1000] for i in range(1001)] + [[0, 0]]
    assert ring_problems(big) == ["too_many_points"]


def test_ring_coordinate_problems():
    assert ring_problems([[0, 0], [95, 10], [10, 10], [0, 0]]) == ["lat_out_of_range"]
    assert ring_problems([[0, 0], [5, 190], [10, 10], [0, 0]]) == ["lon_out_of_range"]
    assert ring_problems([[0, 0], [5, "x"], [10, 10], [0, 0]]) == ["bad_point"]
    assert ring_problems([[0, 0], [5, float("nan")], [10, 10], [0, 0]]) == ["bad_point"]
    assert ring_problems([[0, 0], [5], [10, 10], [0, 0]]) == ["bad_point"]


def test_bow_tie_is_self_intersecting():
    assert ring_problems([[0, 0], [10, 10], [0, 10], [10, 0], [0, 0]]) == ["self_intersecting"]


def test_ring_touching_itself_or_doubling_back_is_self_intersecting():
    figure_eight = [[0, 0], [5, 5], [10, 0], [10, 10], [5, 5], [0, 10], [0, 0]]
    assert ring_problems(figure_eight) == ["self_intersecting"]
    spike = [[0, 0], [0, 10], [0, 20], [0, 15], [10, 10], [0, 0]]
    assert ring_problems(spike) == ["self_intersecting"]


def test_self_intersection_across_the_antimeridian_is_found():
    bow_tie = [[-10, 170], [10, -170], [10, 170], [-10, -170], [-10, 170]]
    assert ring_problems(bow_tie) == ["self_intersecting"]


def test_collinear_ring_has_zero_area():
    assert ring_problems([[0, 0], [0, 5], [0, 10], [0, 0]]) == ["self_intersecting"]
    assert ring_problems([[0, 0], [5, 5], [10, 10], [0, 0]]) == ["self_intersecting"]


def test_ring_around_a_pole_is_rejected():
    around = [[80, -180], [80, -60], [80, 60], [80, 180]]
    assert ring_problems(around) == ["encircles_pole"]


def test_thousand_point_ring_is_checked_quickly():
    import math

    ring = [[10 * math.sin(2 * math.pi * i / 999), 10 * math.cos(2 * math.pi * i / 999)]
            for i in range(999)]
    assert ring_problems([*ring, ring[0]]) == []


def test_circle_problems():
    assert circle_problems(48.85, 2.35, 10) == []
    assert circle_problems(91, 2.35, 10) == ["lat_out_of_range"]
    assert circle_problems(0, -181, 10) == ["lon_out_of_range"]
    assert circle_problems(0, 0, 0) == ["radius_out_of_range"]
    assert circle_problems(0, 0, 2001) == ["radius_out_of_range"]
    assert circle_problems(0, 0, 2001, max_km=5000) == []
    assert circle_problems(None, "x", float("inf")) == [
        "lat_out_of_range", "lon_out_of_range", "radius_out_of_range"]
