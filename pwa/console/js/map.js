// A Leaflet map over the configured basemap (basemap.js) with Natural Earth country outlines
// (world-atlas) on top; with no tile server, the outlines and city labels are the map.
/* global L, topojson */
import { _ } from "/js/i18n.js";
import { splitGeometry } from "./antimeridian.js";
import { addBasemap, maxZoom } from "./basemap.js";

let countriesPromise = null;

/**
 * Content for a Leaflet tooltip or popup: Leaflet writes a string with innerHTML, so text that
 * may hold user data (a traveler's name) is always handed over as an element holding it as text.
 */
export function label(text) {
  const el = document.createElement("span");
  el.textContent = text;
  return el;
}

/** Country features with `properties.a2` (ISO 3166-1 alpha-2, null where Natural Earth has none). */
export function countryFeatures() {
  if (!countriesPromise) {
    countriesPromise = Promise.all([
      fetch("/vendor/world-atlas/countries-50m.json").then((r) => r.json()),
      fetch("/console/data/iso-numeric.json").then((r) => r.json()),
    ]).then(([topology, numeric]) => {
      const collection = topojson.feature(topology, topology.objects.countries);
      for (const feature of collection.features) {
        feature.properties.a2 = numeric[feature.id] || null;
        feature.geometry = splitGeometry(feature.geometry);  // see antimeridian.js
      }
      return collection;
    });
  }
  return countriesPromise;
}

export const STYLE = {
  land: { color: "#9aa3b2", weight: 0.6, fillColor: "#e4e2d8", fillOpacity: 1 },
  scope: { color: "#2d3748", weight: 1.2, fillColor: "#fffef7", fillOpacity: 1 },
  selected: { color: "#9c0c23", weight: 1.5, fillColor: "#e8798a", fillOpacity: 0.75 },
};
// Over a tile layer the outlines only mark the jurisdiction and the selection.
const OVER_TILES = {
  land: { color: "#6b7280", weight: 0.5, fillOpacity: 0, opacity: 0.4 },
  scope: { color: "#2d3748", weight: 1.2, fillColor: "#0b3d91", fillOpacity: 0.04 },
  selected: { color: "#9c0c23", weight: 1.5, fillColor: "#e8798a", fillOpacity: 0.35 },
};

/**
 * A map in `element` with the country outlines; `inScope(a2)` marks the jurisdiction and
 * `onCountry(a2, name, latlng)` is called on a click. Resolves with {map, layer, paint}.
 */
export async function baseMap(element, { inScope = () => true, onCountry = null,
                                          selected = () => false } = {}) {
  const map = L.map(element, {
    worldCopyJump: false, minZoom: 1, maxZoom: maxZoom(), zoomSnap: 0.5,
    maxBounds: [[-90, -200], [90, 200]], attributionControl: true,
    preferCanvas: false,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(_("Borders: Natural Earth"));
  map.setView([20, 10], 2);
  const styles = addBasemap(map) ? OVER_TILES : STYLE;
  const collection = await countryFeatures();
  const styleOf = (feature) => {
    const a2 = feature.properties.a2;
    if (a2 && selected(a2)) return styles.selected;
    return a2 && inScope(a2) ? styles.scope : styles.land;
  };
  const layer = L.geoJSON(collection, {
    style: styleOf,
    onEachFeature: (feature, featureLayer) => {
      const a2 = feature.properties.a2;
      featureLayer.bindTooltip(label(feature.properties.name + (a2 ? " (" + a2 + ")" : "")),
                               { sticky: true, direction: "top" });
      if (onCountry) {
        featureLayer.on("click", (event) => onCountry(a2, feature.properties.name, event.latlng));
      }
      const path = featureLayer.getElement && featureLayer.getElement();
      if (path && a2) path.dataset.country = a2;
    },
  }).addTo(map);
  // Path elements exist once the layer is on the map: tag them for tests and styling.
  layer.eachLayer((featureLayer) => {
    const a2 = featureLayer.feature.properties.a2;
    const path = featureLayer.getElement();
    if (path && a2) path.setAttribute("data-country", a2);
  });
  const paint = () => layer.setStyle(styleOf);
  // The container may have been laid out after creation.
  setTimeout(() => map.invalidateSize(), 0);
  return { map, layer, paint };
}

/** Fit the map to the countries given; for each, its largest landmass (France, not Guiana too). */
export function fitCountries(map, layer, codes) {
  const wanted = new Set(codes);
  let bounds = null;
  layer.eachLayer((featureLayer) => {
    if (!wanted.has(featureLayer.feature.properties.a2)) return;
    const geometry = featureLayer.feature.geometry;
    const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
    let best = null;
    let bestSize = -1;
    for (const polygon of polygons) {
      const b = L.latLngBounds(polygon[0].map(([lon, lat]) => [lat, lon]));
      const size = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (size > bestSize) { best = b; bestSize = size; }
    }
    if (best) bounds = bounds ? bounds.extend(best) : best;
  });
  if (bounds) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 6, animate: false });
}
