// The alert area on a map: countries by click, regions from a picker, a circle, a polygon.
// The tools live in area/; this file wires them to the map and to one list of areas.
/* global L */
import { get } from "/js/api.js";
import { h, nextId } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { circleTool } from "./area/circle.js";
import { areaList, drawShapes } from "./area/list.js";
import { polygonTool } from "./area/polygon.js";
import { regionPicker } from "./area/regions.js";
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

function toolChoice() {
  return h("div", { class: "tools", role: "radiogroup", "aria-label": _("Drawing tool") },
    radioButton("tool", "countries", _("Countries (click to select)"), true),
    radioButton("tool", "circle", _("Circle"), false),
    radioButton("tool", "polygon", _("Polygon"), false));
}

/** A click on a country in "countries" mode: add or remove it, or say why it cannot be. */
function toggleCountry(editor, picker, a2, name) {
  if (!a2) {
    editor.say(_("{name} has no ISO country code and cannot be targeted.", { name }));
    return;
  }
  const cover = coverage(a2);
  if (cover === null) {
    editor.say(_("{name} is outside your mission's jurisdiction.", { name }));
    return;
  }
  if (cover === "part") {
    editor.say(_("Only some regions of {name} are in your jurisdiction: add them with the region picker.", { name }));
    picker.show(a2);
    return;
  }
  const had = editor.isSelected(a2);
  editor.areas = had ? editor.areas.filter((a) => !(a.kind === "country" && a.code === a2))
    : [...editor.areas, { kind: "country", code: a2 }];
  editor.say(had ? _("{name} removed from the area.", { name })
    : _("{name} added to the area.", { name }));
  editor.changed();
}

/** Where the map opens: the area's countries, else an officer's own jurisdiction. */
function fitHome(map, layer, areas, countryMap) {
  const countries = areas.filter((a) => a.kind === "country").map((a) => a.code);
  const home = countries.length ? countries : Object.keys(countryMap).filter(
    (c) => coverage(c) === "full" && session.me.role !== "admin");
  if (home.length) fitCountries(map, layer, home);
}

/**
 * Build the area editor in `container`. `onChange(areas)` runs after every change.
 * Returns {areas(), map}.
 */
export async function areaEditor(container, { initial = [], editable = true, onChange }) {
  let mode = "countries";
  const message = h("p", { class: "map-message", role: "status", id: "map-message" });
  const mapEl = h("div", { class: "map", id: "composer-map" });
  // What the tools share: the areas, the map, the message line, and "something changed".
  const editor = {
    areas: initial.map((a) => ({ ...a })), editable, map: null,
    say: (text) => { message.textContent = text; },
    isSelected: (a2) => editor.areas.some((a) => a.kind === "country" && a.code === a2),
    changed: () => {},
  };
  const tools = toolChoice();
  const circle = circleTool(editor);
  const polygon = polygonTool(editor);
  const picker = regionPicker(editor, coverage);
  const list = areaList(editor);
  // replaceChildren would print a null as the text "null": a read-only map has no tools.
  container.replaceChildren(...[
    editable ? tools : null, editable ? circle.element : null, editable ? polygon.element : null,
    mapEl, message, editable ? picker.element : null,
    h("h3", {}, _("Selected area")), list.element].filter(Boolean));

  const countryMap = await names();
  picker.fill(countryMap);
  const drawn = L.layerGroup();
  const { map, layer, paint } = await baseMap(mapEl, {
    inScope: (a2) => coverage(a2) !== null, selected: editor.isSelected,
    onCountry: (a2, name) => editable && mode === "countries"
      && toggleCountry(editor, picker, a2, name),
  });
  editor.map = map;
  drawn.addTo(map);
  polygon.start(map);
  editor.changed = () => {
    paint();
    drawShapes(drawn, editor.areas);
    list.paint(countryMap);
    if (onChange) onChange(editor.areas.map((a) => ({ ...a })));
  };

  map.on("click", (event) => {
    if (!editable) return;
    if (mode === "circle") circle.place(event.latlng);
    if (mode === "polygon") polygon.corner(event.latlng);
  });
  tools.addEventListener("change", (event) => {
    mode = event.target.value;
    circle.element.hidden = mode !== "circle";
    polygon.element.hidden = mode !== "polygon";
    mapEl.dataset.mode = mode;
  });
  mapEl.dataset.mode = mode;

  editor.changed();
  fitHome(map, layer, editor.areas, countryMap);
  mapEl.dataset.ready = "true";
  return { areas: () => editor.areas.map((a) => ({ ...a })), map };
}
