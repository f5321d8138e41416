// Under the country outlines: the configured tile layer (GET /api/config `basemap`: an XYZ
// tile server or the app's own /tiles/), else the offline fallback's city labels, the
// largest cities in view from the gazetteer (GET /api/staff/places/cities).
/* global L */
import { getInBackground } from "/js/api.js";
import { _ } from "/js/i18n.js";
import { wrap } from "./area/list.js";
import { session } from "./session.js";

const CITY_LABELS = 30;  // per view at most: enough to find one's way
const CANDIDATES = 60;  // asked for, the largest first: those that would overlap are left out

/** Leaflet writes attributions as HTML: the configured text reaches it escaped. */
function escaped(text) {
  const el = document.createElement("span");
  el.textContent = text;
  return el.innerHTML;
}

/** A map's visible box as the cities endpoint takes it (west > east: across 180 degrees). */
export function visibleBox(bounds) {
  const [west, east] = [bounds.getWest(), bounds.getEast()];
  const whole = east - west >= 360;
  const edge = (lon, side) => {
    const wrapped = wrap(lon);
    return wrapped === -180 && side > 0 ? 180 : wrapped;
  };
  return {
    south: Math.max(-90, bounds.getSouth()), north: Math.min(90, bounds.getNorth()),
    west: whole ? -180 : edge(west, -1), east: whole ? 180 : edge(east, 1),
  };
}

/** The cities (largest first) whose labels overlap none of a larger city's, on screen. */
function clear(map, cities) {
  const placed = [];
  return cities.filter((city) => {
    const at = map.latLngToContainerPoint([city.lat, city.lon]);
    const box = { left: at.x - 4, right: at.x + 10 + 6.5 * city.name.length,
                  top: at.y - 8, bottom: at.y + 8 };
    const hit = placed.some((other) => box.left < other.right && other.left < box.right
                                       && box.top < other.bottom && other.top < box.bottom);
    if (!hit) placed.push(box);
    return !hit;
  });
}

function cityLabels(map) {
  // Their own pane above the outlines, letting clicks through to the countries below.
  const pane = map.createPane("cities");
  pane.style.zIndex = 450;
  pane.style.pointerEvents = "none";
  const layer = L.layerGroup().addTo(map);
  map.attributionControl.addAttribution(_("Cities: GeoNames"));  // CC BY 4.0
  let asked = 0;
  async function paint() {
    const ask = ++asked;
    const box = visibleBox(map.getBounds());
    const query = new URLSearchParams({ ...box, limit: CANDIDATES });
    const cities = await getInBackground("/api/staff/places/cities?" + query).catch(() => null);
    if (cities === null || ask !== asked) return;  // a later view's answer wins
    layer.clearLayers();
    const shown = clear(map, cities).slice(0, CITY_LABELS);
    for (const city of shown) {
      // A marker whose icon is the name (text, never markup): a permanent tooltip per city
      // can outlive its layer when the view changes during a zoom.
      const name = document.createElement("bdi");
      name.textContent = city.name;
      L.marker([city.lat, city.lon], {
        icon: L.divIcon({ html: name, className: "city-label", iconSize: null, iconAnchor: [3, 7] }),
        interactive: false, keyboard: false, pane: "cities",
      }).addTo(layer);
    }
    map.getContainer().dataset.cities = String(shown.length);
  }
  map.on("moveend", paint);
  paint();
  return layer;
}

/** The deepest zoom: the tiles' own, else the outlines' (1:50m borders, city labels). */
export function maxZoom() {
  const tiles = session.config.basemap;
  return tiles && tiles.url ? tiles.max_zoom || 18 : 12;
}

/** Add the basemap to `map`; says whether it is a tile layer (the outlines then go clear). */
export function addBasemap(map) {
  const tiles = session.config.basemap;
  if (tiles && tiles.url) {
    L.tileLayer(tiles.url, { maxZoom: maxZoom(),
                             attribution: escaped(tiles.attribution || "") }).addTo(map);
    map.getContainer().dataset.basemap = "tiles";
    return true;
  }
  map.getContainer().dataset.basemap = "offline";
  cityLabels(map);
  return false;
}
