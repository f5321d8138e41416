"""The console's maps (issue 19 point 2), at 1440x900 in English and Arabic: country outlines
split at the antimeridian (unit tests of the pure function, run in the page), the world view
drawn without an edge across the map, and the offline base layer's city labels."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.browser.console.conftest import Console, sos_case_id, traveler_with_device
from tests.browser.console.test_console_safety import WIDE
from tests.pushreceiver import PushReceiver

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
        Console(page).arabic()
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


@pytest.mark.parametrize(("language", "paris"), [("en", "Paris"), ("ar", "باريس")])
def test_the_offline_map_labels_the_largest_cities_in_view(
        page, make_staff, artifacts, language, paris):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff())
    if language == "ar":
        Console(page).arabic()
    page.goto("/console/#/alerts/new")
    # One map on the page (a language change paints the screen again), opened on France.
    page.wait_for_function("""(paris) => {
      const maps = document.querySelectorAll('#view .leaflet-container');
      return maps.length === 1 && maps[0].dataset.ready && maps[0].dataset.basemap === 'offline'
        && [...maps[0].querySelectorAll('.city-label')].some((l) => l.textContent === paris);
    }""", arg=paris)
    labels = page.locator("#composer-map .city-label").all_text_contents()
    assert 5 <= len(labels) <= 30 and "" not in labels
    assert "GeoNames" in page.text_content("#composer-map .leaflet-control-attribution")
    # The labels let clicks through: a click on Paris still selects France.
    page.locator("#composer-map .city-label", has_text=paris).click(force=True)
    page.locator("#area-list li[data-kind='country']").wait_for()
    page.screenshot(path=str(artifacts / f"console-map-cities-{language}.png"))
    assert console.errors == []


@pytest.fixture
def local_tiles(console_app, tmp_path):
    """The console app serving a folder of tiles (every tile of zoom 2) for this test only."""
    icon = (Path(__file__).resolve().parents[3] / "pwa" / "icons" / "icon-192.png").read_bytes()
    for x in range(4):
        (tmp_path / "2" / str(x)).mkdir(parents=True)
        for y in range(4):
            (tmp_path / "2" / str(x) / f"{y}.png").write_bytes(icon)
    console_app.config.update(CONSOLE_TILES_DIR=str(tmp_path),
                              CONSOLE_BASEMAP_ATTRIBUTION="Survey <b>tiles</b>")
    yield tmp_path
    console_app.config.update(CONSOLE_TILES_DIR=None, CONSOLE_BASEMAP_ATTRIBUTION="")


def test_a_configured_basemap_draws_its_tiles_with_their_attribution(
        page, make_staff, local_tiles, artifacts):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff(role="admin", embassy_key=None))
    page.goto("/console/#/sos")
    page.wait_for_selector("#sos-map[data-ready][data-basemap='tiles']")
    page.wait_for_function(
        "() => document.querySelectorAll('#sos-map img.leaflet-tile-loaded').length >= 4")
    sources = page.eval_on_selector_all("#sos-map img.leaflet-tile",
                                        "(imgs) => imgs.map((i) => i.src)")
    assert all("/tiles/2/" in src for src in sources)
    # The attribution is shown as the text configured, never as markup.
    attribution = page.locator("#sos-map .leaflet-control-attribution")
    assert "Survey <b>tiles</b>" in attribution.text_content()
    assert attribution.locator("b").count() == 0
    assert page.locator("#sos-map .city-label").count() == 0
    page.screenshot(path=str(artifacts / "console-map-tiles.png"))
    assert console.errors == []


@pytest.mark.parametrize(("language", "place"), [
    ("en", "1 km NW of Paris"), ("ar", "1 كم شمال غرب باريس")])
def test_an_sos_case_shows_its_place_accuracy_and_a_map_link(
        page, make_staff, console_app, artifacts, language, place):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff())
    with PushReceiver() as receiver:
        client, trip = traveler_with_device(console_app, receiver, f"phone-place-{language}")
    raised = client.post("/api/sos", json={
        "client_uuid": str(uuid.uuid4()), "raised_at": datetime.now(UTC).isoformat(),
        "lat": 48.8606, "lon": 2.3376, "accuracy": 800, "trip_id": trip["id"]})
    assert raised.status_code in (200, 201), raised.json
    case_id = sos_case_id(console_app, client_uuid=raised.json["client_uuid"])
    if language == "ar":
        Console(page).arabic()
    page.goto(f"/console/#/sos/{case_id}")
    page.wait_for_selector("#case-place")
    assert page.text_content("#case-place") == place
    assert page.eval_on_selector("#case-place", "(e) => e.tagName") == "BDI"
    assert page.text_content(f"#case-list li[data-id='{case_id}'] .case-place") == place
    assert page.text_content("#case-coordinates") == "48.86060, 2.33760"
    assert "800" in page.text_content("#case-accuracy")
    link = page.get_attribute("#case-map-link", "href")
    assert link == ("https://www.openstreetmap.org/?mlat=48.86060&mlon=2.33760"
                    "#map=16/48.86060/2.33760")
    assert page.get_attribute("#case-map-link", "rel") == "noopener noreferrer"
    # The accuracy as a disc round the position, 800 m across each way: wider than a marker.
    disc = page.locator("#sos-map path.sos-accuracy")
    disc.wait_for()
    box = disc.bounding_box()
    assert box["width"] > 20 and abs(box["width"] - box["height"]) < 0.3 * box["width"]
    page.screenshot(path=str(artifacts / f"console-sos-place-{language}.png"))
    assert console.errors == []
