// The circle tool: a centre and an edge handle, both draggable, committed with "Add circle".
/* global L */
import { get } from "/js/api.js";
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { round, wrap } from "./list.js";

/** The point `metres` east of `centre` (where the radius handle sits). */
const edgeAt = (centre, metres) => L.latLng(centre.lat,
  centre.lng + (metres / 1000) / (111.32 * Math.max(0.01, Math.cos(centre.lat * Math.PI / 180))));

const coordinate = (id, min, max) => h("input", { type: "number", id, min, max, step: "any",
                                                  class: "coordinate", dir: "ltr" });

/** A search box over the staff place search; `choose(place)` gets the chosen result. */
function placeSearch(choose) {
  const query = h("input", { type: "search", id: "place-query", maxlength: 100,
                             placeholder: _("City, or lat, lon"), autocomplete: "off" });
  const results = h("ul", { class: "place-results", id: "place-results" });
  async function run(event) {
    event.preventDefault();
    if (!query.value.trim()) return;
    const places = await get(`/api/staff/places/search?${new URLSearchParams({ q: query.value, limit: 8 })}`)
      .catch(() => null);
    results.replaceChildren(...(places === null ? [h("li", { class: "muted" }, _("The search failed."))]
      : !places.length ? [h("li", { class: "muted" }, _("No place found."))]
      : places.map((place) => h("li", {}, h("button", { type: "button", class: "button link small",
          onclick: () => { results.replaceChildren(); choose(place); } },
          h("bdi", {}, place.name), place.country ? " · " : "", h("bdi", {}, place.country || ""))))));
  }
  const form = h("div", { class: "place-search", role: "search" },
    h("label", { for: "place-query" }, _("Find a place")), query,
    h("button", { type: "button", class: "button small", id: "place-find", onclick: run },
      _("Search")), results);
  query.addEventListener("keydown", (event) => { if (event.key === "Enter") run(event); });
  return form;
}

/** Returns {element, place(latlng)}; `editor.map` must be set before `place` is called. */
export function circleTool(editor) {
  const lat = coordinate("circle-lat", -90, 90);
  const lon = coordinate("circle-lon", -180, 180);
  const radius = h("input", { type: "number", min: 1, max: 2000, step: 1, value: 50,
                             id: "circle-radius", class: "short" });
  const addButton = h("button", { type: "button", class: "button small", id: "circle-add",
                                  disabled: true }, _("Add circle"));
  const search = placeSearch((found) => {
    editor.map.setView([found.lat, found.lon], Math.max(editor.map.getZoom(), 9));
    place(L.latLng(found.lat, found.lon));
  });
  const element = h("div", { class: "tool-bar", id: "circle-bar", hidden: true }, search,
    h("label", { for: "circle-lat" }, _("Latitude")), lat,
    h("label", { for: "circle-lon" }, _("Longitude")), lon,
    h("label", { for: "circle-radius" }, _("Radius (km)")), radius, addButton,
    h("span", { class: "hint" }, _("Click the centre on the map; drag the handles to adjust.")));
  let pending = null;
  const showCentre = (latlng) => { lat.value = round(latlng.lat); lon.value = round(wrap(latlng.lng)); };
  const typedCentre = () => {
    const [y, x] = [Number(lat.value), Number(lon.value)];
    if (lat.value === "" || lon.value === "" || Math.abs(y) > 90 || Math.abs(x) > 180) return;
    place(L.latLng(y, x));
    editor.map.panTo([y, x]);
  };
  lat.addEventListener("change", typedCentre);
  lon.addEventListener("change", typedCentre);

  function place(latlng) {
    const map = editor.map;
    if (pending) pending.group.remove();
    const km = Number(radius.value) || 50;
    const circle = L.circle(latlng, { radius: km * 1000, color: "#0b3d91", dashArray: "6 4" });
    const centre = L.marker(latlng, { draggable: true, title: _("Centre") });
    const edge = L.marker(edgeAt(latlng, km * 1000), { draggable: true, title: _("Radius") });
    showCentre(latlng);
    centre.on("drag", () => { circle.setLatLng(centre.getLatLng()); showCentre(centre.getLatLng());
      edge.setLatLng(edgeAt(centre.getLatLng(), circle.getRadius())); });
    edge.on("drag", () => {
      const metres = map.distance(centre.getLatLng(), edge.getLatLng());
      circle.setRadius(metres);
      radius.value = Math.max(1, Math.round(metres / 1000));
    });
    radius.oninput = () => { circle.setRadius((Number(radius.value) || 1) * 1000);
      edge.setLatLng(edgeAt(centre.getLatLng(), circle.getRadius())); };
    pending = { group: L.layerGroup([circle, centre, edge]).addTo(map), circle };
    addButton.disabled = false;
  }

  addButton.addEventListener("click", () => {
    if (!pending) return;
    const c = pending.circle.getLatLng();
    editor.areas.push({ kind: "circle", lat: round(c.lat), lon: round(wrap(c.lng)),
                        radius_km: Math.max(1, Math.round(pending.circle.getRadius() / 1000)) });
    pending.group.remove();
    pending = null;
    addButton.disabled = true;
    editor.changed();
  });
  return { element, place };
}
