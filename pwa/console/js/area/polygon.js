// The polygon tool: corners by click; closing repeats the first corner last (as CAP does).
/* global L */
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { round, wrap } from "./list.js";

/** Returns {element, start(map), corner(latlng)}. */
export function polygonTool(editor) {
  const closeButton = h("button", { type: "button", class: "button small", id: "polygon-close",
                                    disabled: true }, _("Close polygon"));
  const undoButton = h("button", { type: "button", class: "button small", id: "polygon-undo" },
    _("Undo last point"));
  const discardButton = h("button", { type: "button", class: "button small",
                                      id: "polygon-discard" }, _("Discard"));
  const element = h("div", { class: "tool-bar", id: "polygon-bar", hidden: true },
    closeButton, undoButton, discardButton,
    h("span", { class: "hint" }, _("Click each corner on the map, then close the polygon.")));
  let corners = [];
  let sketch = null;
  const sketchChanged = () => {
    sketch.setLatLngs(corners);
    closeButton.disabled = corners.length < 3;
  };

  function start(map) {
    sketch = L.polyline([], { color: "#0b3d91", dashArray: "6 4" }).addTo(map);
    undoButton.addEventListener("click", () => { corners.pop(); sketchChanged(); });
    discardButton.addEventListener("click", () => { corners = []; sketchChanged(); });
    closeButton.addEventListener("click", () => {
      const ring = corners.map((p) => [round(p.lat), round(wrap(p.lng))]);
      editor.areas.push({ kind: "polygon", ring: [...ring, ring[0]] });
      corners = [];
      sketchChanged();
      editor.changed();
    });
  }

  function corner(latlng) {
    corners.push(latlng);
    sketchChanged();
  }
  return { element, start, corner };
}
