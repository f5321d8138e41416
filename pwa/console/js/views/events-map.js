// The Events page's map: each open event's area in its level's colour, and a marker with the
// count of people in it; a click opens the event's summary with its draft actions.
/* global L */
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { baseMap, fitCountries } from "../map.js";
import { session } from "../session.js";

export const LEVEL_COLORS = { green: "#16a34a", yellow: "#ca8a04", orange: "#ea7a0c",
                              red: "#c8102e" };

/** The event's shapes (circles and polygons; a country area is the base map's). */
function shapes(event, color) {
  return (event.areas || []).flatMap((area) => {
    const style = { color, weight: 2, fillColor: color, fillOpacity: 0.18,
                    className: "event-area event-area-" + event.level };
    if (area.kind === "circle") return [L.circle([area.lat, area.lon], { ...style, radius: area.radius_km * 1000 })];
    if (area.kind === "polygon" && area.ring) return [L.polygon(area.ring.slice(0, -1), style)];
    return [];
  });
}

function people(event) {
  return event.counts ? String(event.counts.people || 0) : "…";
}

/**
 * Draw `events` on a map in `element`; `summary(event)` makes a popup's content (an
 * element: Leaflet writes strings as HTML). Resolves once the map is ready.
 */
export async function eventsMap(element, events, summary) {
  const { map, layer } = await baseMap(element);
  const drawn = L.featureGroup().addTo(map);
  for (const event of events) {
    const color = LEVEL_COLORS[event.level] || "#4b5563";
    const areas = shapes(event, color);
    areas.forEach((shape) => shape.addTo(drawn));
    const centre = event.lat !== null && event.lat !== undefined ? L.latLng(event.lat, event.lon)
      : areas.length ? L.featureGroup(areas).getBounds().getCenter() : null;
    if (!centre) continue;
    const count = h("span", { class: "event-count level-" + event.level, "data-id": event.id,
                              title: _("People in the area") }, people(event));
    const marker = L.marker(centre, {
      icon: L.divIcon({ html: count, className: "event-marker", iconSize: null, iconAnchor: [14, 14] }),
      title: event.title, keyboard: true,
    }).bindPopup(() => summary(event), { maxWidth: 320 });
    marker.addTo(drawn);
    for (const shape of areas) shape.on("click", () => marker.openPopup());
  }
  if (drawn.getLayers().length) {
    map.fitBounds(drawn.getBounds().pad(0.3), { maxZoom: 9, animate: false });
  } else if (session.me && session.me.role !== "admin") {
    fitCountries(map, layer, (session.me.jurisdiction || []).filter((code) => !code.includes("-")));
  }
  element.dataset.ready = "true";
  return map;
}
