// The alert area on a map: countries by click, regions from a picker, a circle, a polygon.
/* global L */
import { get } from "/js/api.js";
import { h, nextId } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { baseMap, fitCountries } from "./map.js";
import { session } from "./session.js";

let countryNames = null;
async function names() {
  if (!countryNames) {
    const list = await get("/api/places/countries").catch(() => []);
    countryNames = Object.fromEntries(list.map((c) => [c.code, c.name]));
  }
  return countryNames;
}

/**
 * Areas as the API takes them: the region names are only for the list, and a saved area comes
 * back with null for the fields of the other kinds, which the API does not take.
 */
export const apiAreas = (areas) => areas.map(({ name, ...area }) => Object.fromEntries(
  Object.entries(area).filter(([, value]) => value !== null && value !== undefined)));

/** Jurisdiction: null = everywhere (admin); else "full" | "part" | null for a country. */
export function coverage(a2) {
  const codes = session.me && session.me.jurisdiction;
  if (!codes || session.me.role === "admin") return "full";
  if (codes.includes(a2)) return "full";
  if (codes.some((code) => code.startsWith(a2 + "-"))) return "part";
  return null;
}

function radioButton(name, value, label, checked) {
  const id = nextId("tool");
  return h("span", { class: "tool" },
    h("input", { type: "radio", name, value, id, checked }),
    h("label", { for: id }, label));
}

/**
 * Build the area editor in `container`. `onChange(areas)` runs after every change.
 * Returns {areas(), set(areas)}.
 */
export async function areaEditor(container, { initial = [], editable = true, onChange }) {
  let areas = initial.map((a) => ({ ...a }));
  let mode = "countries";
  const message = h("p", { class: "map-message", role: "status", id: "map-message" });
  const mapEl = h("div", { class: "map", id: "composer-map" });
  const list = h("ul", { class: "area-list", id: "area-list" });
  const radius = h("input", { type: "number", min: 1, max: 2000, step: 1, value: 50,
                             id: "circle-radius", class: "short" });
  const tools = h("div", { class: "tools", role: "radiogroup", "aria-label": _("Drawing tool") },
    radioButton("tool", "countries", _("Countries (click to select)"), true),
    radioButton("tool", "circle", _("Circle"), false),
    radioButton("tool", "polygon", _("Polygon"), false));
  const circleBar = h("div", { class: "tool-bar", id: "circle-bar", hidden: true },
    h("label", { for: "circle-radius" }, _("Radius (km)")), radius,
    h("button", { type: "button", class: "button small", id: "circle-add", disabled: true },
      _("Add circle")),
    h("span", { class: "hint" }, _("Click the centre on the map; drag the handles to adjust.")));
  const polygonBar = h("div", { class: "tool-bar", id: "polygon-bar", hidden: true },
    h("button", { type: "button", class: "button small", id: "polygon-close", disabled: true },
      _("Close polygon")),
    h("button", { type: "button", class: "button small", id: "polygon-undo" }, _("Undo last point")),
    h("button", { type: "button", class: "button small", id: "polygon-discard" }, _("Discard")),
    h("span", { class: "hint" }, _("Click each corner on the map, then close the polygon.")));
  const countrySelect = h("select", { id: "region-country" });
  const regionSelect = h("select", { id: "region-select", disabled: true });
  const picker = h("div", { class: "tool-bar region-picker" },
    h("label", { for: "region-country" }, _("Region in")), countrySelect,
    h("label", { for: "region-select", class: "visually-hidden" }, _("Region")), regionSelect,
    h("button", { type: "button", class: "button small", id: "region-add" }, _("Add region")));
  container.replaceChildren(
    editable ? tools : null, editable ? circleBar : null, editable ? polygonBar : null,
    mapEl, message, editable ? picker : null,
    h("h3", {}, _("Selected area")), list);

  const countryMap = await names();
  const drawn = L.layerGroup();
  const isSelected = (a2) => areas.some((a) => a.kind === "country" && a.code === a2);
  const { map, layer, paint } = await baseMap(mapEl, {
    inScope: (a2) => coverage(a2) !== null, selected: isSelected,
    onCountry: (a2, name) => editable && mode === "countries" && toggleCountry(a2, name),
  });
  drawn.addTo(map);

  const changed = () => {
    paint();
    redraw();
    renderList();
    if (onChange) onChange(areas.map((a) => ({ ...a })));
  };

  function toggleCountry(a2, name) {
    if (!a2) {
      message.textContent = _("{name} has no ISO country code and cannot be targeted.", { name });
      return;
    }
    const cover = coverage(a2);
    if (cover === null) {
      message.textContent = _("{name} is outside your mission's jurisdiction.", { name });
      return;
    }
    if (cover === "part") {
      message.textContent = _("Only some regions of {name} are in your jurisdiction: add them with the region picker.", { name });
      countrySelect.value = a2;
      loadRegions();
      return;
    }
    const had = isSelected(a2);
    areas = had ? areas.filter((a) => !(a.kind === "country" && a.code === a2))
      : [...areas, { kind: "country", code: a2 }];
    message.textContent = had ? _("{name} removed from the area.", { name })
      : _("{name} added to the area.", { name });
    changed();
  }

  function redraw() {
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

  function areaLabel(area) {
    if (area.kind === "country") return _("Country: {name}", { name: countryMap[area.code] || area.code });
    if (area.kind === "subdivision") return _("Region: {name}", { name: area.name || area.code });
    if (area.kind === "circle") {
      return _("Circle: {radius} km around {lat}, {lon}", {
        radius: area.radius_km, lat: area.lat.toFixed(3), lon: area.lon.toFixed(3) });
    }
    return _("Polygon with {count} corners", { count: area.ring.length - 1 });
  }

  function renderList() {
    list.replaceChildren(...areas.map((area, index) => h("li", { "data-kind": area.kind },
      h("span", {}, areaLabel(area)),
      editable ? h("button", { type: "button", class: "button link small",
        "aria-label": _("Remove {area}", { area: areaLabel(area) }),
        onclick: () => { areas.splice(index, 1); changed(); } }, _("Remove")) : null)));
    if (!areas.length) list.append(h("li", { class: "muted" }, _("Nothing selected yet.")));
  }

  // Region picker: the countries of the jurisdiction, then their ISO 3166-2 regions.
  const pickable = Object.entries(countryMap).filter(([code]) => coverage(code) !== null)
    .sort((a, b) => a[1].localeCompare(b[1]));
  countrySelect.replaceChildren(h("option", { value: "" }, _("Choose a country")),
    ...pickable.map(([code, name]) => h("option", { value: code }, name)));
  async function loadRegions() {
    const code = countrySelect.value;
    regionSelect.replaceChildren();
    regionSelect.disabled = !code;
    if (!code) return;
    const regions = await get("/api/places/countries/" + encodeURIComponent(code) + "/subdivisions")
      .catch(() => []);
    const mine = session.me && session.me.jurisdiction;
    const allowed = coverage(code) === "full" ? regions
      : regions.filter((r) => mine.includes(r.code));
    regionSelect.replaceChildren(...allowed.map((r) => h("option", { value: r.code }, r.name)));
  }
  countrySelect.addEventListener("change", loadRegions);
  picker.querySelector("#region-add").addEventListener("click", () => {
    const code = regionSelect.value;
    if (!code || areas.some((a) => a.code === code)) return;
    const name = regionSelect.selectedOptions[0].textContent;
    areas.push({ kind: "subdivision", code, name });
    message.textContent = _("{name} added to the area.", { name });
    changed();
  });

  // Circle: a centre and an edge handle, both draggable, committed with "Add circle".
  let pending = null;
  function placeCircle(latlng) {
    if (pending) pending.group.remove();
    const km = Number(radius.value) || 50;
    const circle = L.circle(latlng, { radius: km * 1000, color: "#0b3d91", dashArray: "6 4" });
    const edgeAt = (centre, metres) => L.latLng(centre.lat,
      centre.lng + (metres / 1000) / (111.32 * Math.max(0.01, Math.cos(centre.lat * Math.PI / 180))));
    const centre = L.marker(latlng, { draggable: true, title: _("Centre") });
    const edge = L.marker(edgeAt(latlng, km * 1000), { draggable: true, title: _("Radius") });
    centre.on("drag", () => { circle.setLatLng(centre.getLatLng());
      edge.setLatLng(edgeAt(centre.getLatLng(), circle.getRadius())); });
    edge.on("drag", () => {
      const metres = map.distance(centre.getLatLng(), edge.getLatLng());
      circle.setRadius(metres);
      radius.value = Math.max(1, Math.round(metres / 1000));
    });
    radius.oninput = () => { circle.setRadius((Number(radius.value) || 1) * 1000);
      edge.setLatLng(edgeAt(centre.getLatLng(), circle.getRadius())); };
    pending = { group: L.layerGroup([circle, centre, edge]).addTo(map), circle };
    circleBar.querySelector("#circle-add").disabled = false;
  }
  circleBar.querySelector("#circle-add").addEventListener("click", () => {
    if (!pending) return;
    const c = pending.circle.getLatLng();
    areas.push({ kind: "circle", lat: round(c.lat), lon: round(wrap(c.lng)),
                 radius_km: Math.max(1, Math.round(pending.circle.getRadius() / 1000)) });
    pending.group.remove();
    pending = null;
    circleBar.querySelector("#circle-add").disabled = true;
    changed();
  });

  // Polygon: corners by click; closing repeats the first corner last (as CAP does).
  let corners = [];
  const sketch = L.polyline([], { color: "#0b3d91", dashArray: "6 4" }).addTo(map);
  const closeButton = polygonBar.querySelector("#polygon-close");
  const sketchChanged = () => {
    sketch.setLatLngs(corners);
    closeButton.disabled = corners.length < 3;
  };
  polygonBar.querySelector("#polygon-undo").addEventListener("click", () => {
    corners.pop(); sketchChanged(); });
  polygonBar.querySelector("#polygon-discard").addEventListener("click", () => {
    corners = []; sketchChanged(); });
  closeButton.addEventListener("click", () => {
    const ring = corners.map((p) => [round(p.lat), round(wrap(p.lng))]);
    areas.push({ kind: "polygon", ring: [...ring, ring[0]] });
    corners = [];
    sketchChanged();
    changed();
  });

  map.on("click", (event) => {
    if (!editable) return;
    if (mode === "circle") placeCircle(event.latlng);
    if (mode === "polygon") { corners.push(event.latlng); sketchChanged(); }
  });
  tools.addEventListener("change", (event) => {
    mode = event.target.value;
    circleBar.hidden = mode !== "circle";
    polygonBar.hidden = mode !== "polygon";
    mapEl.dataset.mode = mode;
  });
  mapEl.dataset.mode = mode;

  changed();
  const countries = areas.filter((a) => a.kind === "country").map((a) => a.code);
  const home = countries.length ? countries : Object.keys(countryMap).filter((c) => coverage(c) === "full" && session.me.role !== "admin");
  if (home.length) fitCountries(map, layer, home);
  mapEl.dataset.ready = "true";
  return { areas: () => areas.map((a) => ({ ...a })), map };
}

function round(value) {
  return Math.round(value * 1e5) / 1e5;
}

function wrap(lon) {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}
