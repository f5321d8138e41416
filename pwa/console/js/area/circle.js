// The circle tool: a centre and an edge handle, both draggable, committed with "Add circle".
/* global L */
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { round, wrap } from "./list.js";

/** The point `metres` east of `centre` (where the radius handle sits). */
const edgeAt = (centre, metres) => L.latLng(centre.lat,
  centre.lng + (metres / 1000) / (111.32 * Math.max(0.01, Math.cos(centre.lat * Math.PI / 180))));

/** Returns {element, place(latlng)}; `editor.map` must be set before `place` is called. */
export function circleTool(editor) {
  const radius = h("input", { type: "number", min: 1, max: 2000, step: 1, value: 50,
                             id: "circle-radius", class: "short" });
  const addButton = h("button", { type: "button", class: "button small", id: "circle-add",
                                  disabled: true }, _("Add circle"));
  const element = h("div", { class: "tool-bar", id: "circle-bar", hidden: true },
    h("label", { for: "circle-radius" }, _("Radius (km)")), radius, addButton,
    h("span", { class: "hint" }, _("Click the centre on the map; drag the handles to adjust.")));
  let pending = null;

  function place(latlng) {
    const map = editor.map;
    if (pending) pending.group.remove();
    const km = Number(radius.value) || 50;
    const circle = L.circle(latlng, { radius: km * 1000, color: "#0b3d91", dashArray: "6 4" });
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
