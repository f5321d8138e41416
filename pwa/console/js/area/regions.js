// The region picker: the countries of the jurisdiction, then their ISO 3166-2 regions.
import { get } from "/js/api.js";
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { session } from "../session.js";

/** `coverage(a2)`: see area-tools.js. Returns {element, fill(countryMap), show(a2)}. */
export function regionPicker(editor, coverage) {
  const countrySelect = h("select", { id: "region-country" });
  const regionSelect = h("select", { id: "region-select", disabled: true });
  const addButton = h("button", { type: "button", class: "button small", id: "region-add" },
    _("Add region"));
  const element = h("div", { class: "tool-bar region-picker" },
    h("label", { for: "region-country" }, _("Region in")), countrySelect,
    h("label", { for: "region-select", class: "visually-hidden" }, _("Region")), regionSelect,
    addButton);

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
  addButton.addEventListener("click", () => {
    const code = regionSelect.value;
    if (!code || editor.areas.some((a) => a.code === code)) return;
    const name = regionSelect.selectedOptions[0].textContent;
    editor.areas.push({ kind: "subdivision", code, name });
    editor.say(_("{name} added to the area.", { name }));
    editor.changed();
  });

  function fill(countryMap) {
    const pickable = Object.entries(countryMap).filter(([code]) => coverage(code) !== null)
      .sort((a, b) => a[1].localeCompare(b[1]));
    countrySelect.replaceChildren(h("option", { value: "" }, _("Choose a country")),
      ...pickable.map(([code, name]) => h("option", { value: code }, name)));
  }

  /** Open the picker on a country (only some of its regions may be targeted). */
  function show(a2) {
    countrySelect.value = a2;
    loadRegions();
  }
  return { element, fill, show };
}
