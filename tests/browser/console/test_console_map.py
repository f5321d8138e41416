"""The console's maps (issue 19 point 2), at 1440x900 in English and Arabic: country outlines
split at the antimeridian (unit tests of the pure function, run in the page), the world view
drawn without an edge across the map, and the offline base layer's city labels."""
from __future__ import annotations

import pytest

from tests.browser.console.conftest import Console
from tests.browser.console.test_console_safety import WIDE

SPLIT = """async ([geometry]) => {
  const { splitGeometry } = await import('/console/js/antimeridian.js');
  return splitGeometry(geometry);
}"""

# Every ring of every country as the console draws it: [name, widest step in longitude that is
# not along a pole, westmost, eastmost].
RINGS = """async () => {
  const { countryFeatures } = await import('/console/js/map.js');
  const collection = await countryFeatures();
  return collection.features.map((feature) => {
    const g = feature.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    let step = 0, west = 180, east = -180;
    for (const polygon of polygons) for (const ring of polygon) {
      for (let i = 0; i < ring.length; i += 1) {
        west = Math.min(west, ring[i][0]); east = Math.max(east, ring[i][0]);
        if (i && !(Math.abs(ring[i][1]) === 90 && ring[i][1] === ring[i - 1][1])) {
          step = Math.max(step, Math.abs(ring[i][0] - ring[i - 1][0]));
        }
      }
    }
    return [feature.properties.name, step, west, east];
  });
}"""


def lons(polygon):
    return [point[0] for ring in polygon for point in ring]


def test_a_ring_across_the_antimeridian_is_split_in_two(page, console):
    console.open()
    square = [[170, 10], [-170, 10], [-170, 20], [170, 20], [170, 10]]
    split = page.evaluate(SPLIT, [{"type": "Polygon", "coordinates": [square]}])
    assert split["type"] == "MultiPolygon"
    east, west = sorted(split["coordinates"], key=lambda polygon: -min(lons(polygon)))
    assert (min(lons(east)), max(lons(east))) == (170, 180)
    assert (min(lons(west)), max(lons(west))) == (-180, -170)
    for polygon in (east, west):
        ring = polygon[0]
        assert ring[0] == ring[-1]
        assert {lat for _lon, lat in ring} == {10, 20}


def test_a_ring_round_the_south_pole_is_closed_through_it(page, console):
    console.open()
    # Antarctica as world-atlas gives it: eastward round the pole, no edge to the pole.
    ring = [[-180 + 30 * i, -70 - (i % 2)] for i in range(12)] + [[-180, -70]]
    split = page.evaluate(SPLIT, [{"type": "Polygon", "coordinates": [ring]}])
    points = [point for polygon in ([split["coordinates"]] if split["type"] == "Polygon"
                                     else split["coordinates"]) for r in polygon for point in r]
    assert min(lon for lon, _lat in points) == -180 and max(lon for lon, _lat in points) == 180
    assert min(lat for _lon, lat in points) == -90  # the ring's fill reaches the pole
    assert max(lat for _lon, lat in points) == -70


def test_a_ring_away_from_the_antimeridian_is_unchanged(page, console):
    console.open()
    france = [[-4.8, 48.4], [2.5, 51.1], [8.2, 48.9], [7.5, 43.8], [-1.8, 43.4], [-4.8, 48.4]]
    hole = [[1, 46], [2, 46], [2, 47], [1, 46]]
    split = page.evaluate(SPLIT, [{"type": "Polygon", "coordinates": [france, hole]}])
    assert split == {"type": "Polygon", "coordinates": [france, hole]}


def test_no_country_outline_has_an_edge_across_the_map(page, console):
    console.open()
    rings = page.evaluate(RINGS)
    assert len(rings) > 200
    assert [name for name, step, _w, _e in rings if step > 180] == []
    assert [name for name, _s, west, east in rings if west < -180 or east > 180] == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_world_view_draws_without_a_band_across_the_arctic(
        page, make_staff, artifacts, language):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff(role="admin", embassy_key=None))
    if language == "ar":
        page.evaluate("() => localStorage.setItem('compatriot.language', 'ar')")
        page.reload()
        page.wait_for_selector("html[dir='rtl']")
    page.goto("/console/#/sos")
    page.wait_for_selector("#sos-map[data-ready] path[data-country='RU']")
    # The outline of Fiji (both sides of 180 degrees) is two small shapes at the map's edges,
    # not one across it: no segment of its path is longer than a tenth of the map.
    widest = page.evaluate("""() => {
      const d = document.querySelector("#sos-map path[data-country='FJ']").getAttribute('d');
      let widest = 0;
      for (const part of d.split('M').slice(1)) {
        const xs = part.replace(/z/gi, '').trim().split('L')
          .map((p) => Number(p.trim().split(/\\s+/)[0]));
        for (let i = 1; i < xs.length; i += 1) {
          widest = Math.max(widest, Math.abs(xs[i] - xs[i - 1]));
        }
      }
      return widest / document.querySelector('#sos-map').clientWidth;
    }""")
    page.screenshot(path=str(artifacts / f"console-world-{language}.png"))
    assert widest < 0.1
    assert console.errors == []
