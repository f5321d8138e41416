// The selected areas as a list (with their remove buttons) and as shapes on the map.
/* global L */
import { h } from "/js/dom.js";
import { coordinates } from "/js/format.js";
import { _, ngettext } from "/js/i18n.js";

export function areaLabel(area, countryMap) {
  if (area.kind === "country") return _("Country: {name}", { name: countryMap[area.code] || area.code });
  if (area.kind === "subdivision") return _("Region: {name}", { name: area.name || area.code });
  if (area.kind === "circle") {
    return _("Circle: {radius} km around {point}", {
      radius: area.radius_km, point: coordinates(area.lat, area.lon) });
  }
  return ngettext("Polygon with {count} corner", "Polygon with {count} corners",
                  area.ring.length - 1);
}

/** The list of `editor.areas`; `paint(countryMap)` redraws it. */
export function areaList(editor) {
  const element = h("ul", { class: "area-list", id: "area-list" });
  function paint(countryMap) {
    element.replaceChildren(...editor.areas.map((area, index) => h("li", { "data-kind": area.kind },
      h("span", {}, areaLabel(area, countryMap)),
      editor.editable ? h("button", { type: "button", class: "button link small",
        "aria-label": _("Remove {area}", { area: areaLabel(area, countryMap) }),
        onclick: () => { editor.areas.splice(index, 1); editor.changed(); } }, _("Remove")) : null)));
    if (!editor.areas.length) element.append(h("li", { class: "muted" }, _("Nothing selected yet.")));
  }
  return { element, paint };
}

/** Circles and polygons of `areas` in the layer group `drawn` (countries are the base map's). */
export function drawShapes(drawn, areas) {
  drawn.clearLayers();
  for (const area of areas) {
    if (area.kind === "circle") {
      L.circle([area.lat, area.lon], { radius: area.radius_km * 1000, color: "#9c0c23",
                                        className: "area-circle" }).addTo(drawn);
    } else if (area.kind === "polygon") {
      L.polygon(area.ring.slice(0, -1), { color: "#9c0c23", className: "area-polygon" })
        .addTo(drawn);
    }
  }
}

/** A coordinate as the API keeps it: five decimals (about a metre). */
export function round(value) {
  return Math.round(value * 1e5) / 1e5;
}

/** A longitude brought back into -180..180 (the map may have been panned round the world). */
export function wrap(lon) {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}
