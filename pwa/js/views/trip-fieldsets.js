// The repeated fieldsets of the trip form: a stay (country, region with its search, city,
// dates) and a companion. Each names its controls by `data-path` ("legs.0.country").
import { get } from "../api.js";
import { h } from "../dom.js";
import { field, input, select } from "../forms.js";
import { _ } from "../i18n.js";

/** A country's subdivisions as the country groups them: each region with its departments
 * (the region itself first), then what belongs to none (overseas, cities with a status). */
function regionOptions(items) {
  const children = new Map();
  for (const item of items.filter((entry) => entry.parent)) {
    if (!children.has(item.parent)) children.set(item.parent, []);
    children.get(item.parent).push(item);
  }
  const option = (item, label) => h("option", { value: item.code }, label || item.name);
  if (!children.size) return items.map((item) => option(item));
  const groups = items.filter((item) => children.has(item.code)).map((parent) => h("optgroup",
    { label: parent.name }, option(parent, _("{region} (all of it)", { region: parent.name })),
    children.get(parent.code).map((item) => option(item))));
  const alone = items.filter((item) => !item.parent && !children.has(item.code));
  return alone.length ? [...groups, h("optgroup", { label: _("Other areas") }, alone.map((item) => option(item)))]
    : groups;
}

/** Accent- and case-blind text for searching ("Ile" finds "Île-de-France"). */
const folded = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** A search box that narrows a long <select> to the options whose name contains what is typed. */
function regionSearch(region) {
  const box = input({ type: "search", class: "region-search", autocomplete: "off" });
  box.addEventListener("input", () => {
    const wanted = folded(box.value.trim());
    for (const option of region.querySelectorAll("option[value]:not([value=''])")) {
      option.hidden = Boolean(wanted) && !folded(option.textContent).includes(wanted);
    }
    for (const group of region.querySelectorAll("optgroup")) {
      group.hidden = !group.querySelector("option:not([hidden])");
    }
    const first = region.querySelector("option[value]:not([value='']):not([hidden])");
    const chosen = region.selectedOptions[0];
    if (wanted && first && (!region.value || (chosen && chosen.hidden))) {
      region.value = first.value;
    }
  });
  return box;
}

export function legFieldset(leg, index, count, countries, { remove }) {
  const path = (name) => "legs." + index + "." + name;
  const country = select(countries, leg.country, { empty: _("Choose a country") });
  const region = select([], "", { empty: _("The whole country") });
  const loadRegions = async (code, chosen) => {
    region.replaceChildren(h("option", { value: "" }, _("The whole country")));
    region.disabled = !code;
    if (!code) return;
    try {
      const items = await get("/api/places/countries/" + code + "/subdivisions");
      region.append(...regionOptions(items));
      searchField.hidden = items.length < 15;  // a short list needs no search
      region.value = chosen || "";
    } catch (error) {
      // Offline with no saved list: keep the region already chosen rather than lose it.
      if (chosen) region.append(h("option", { value: chosen, selected: true }, chosen));
      region.value = chosen || "";
    }
  };
  const search = regionSearch(region);
  const searchField = field(_("Find a region"), search, { hint: _("Type part of its name.") });
  searchField.hidden = true;
  country.addEventListener("change", () => loadRegions(country.value, ""));
  loadRegions(leg.country, leg.subdivision);
  return h("fieldset", { class: "leg-fields" },
    h("legend", {}, _("Stay {number}", { number: index + 1 })),
    field(_("Country"), country, { path: path("country") }),
    searchField,
    field(_("Region (optional)"), region, { path: path("subdivision") }),
    field(_("City (optional)"), input({ value: leg.city }), { path: path("city") }),
    field(_("Arrival"), input({ type: "date", value: leg.start_date }),
          { path: path("start_date") }),
    field(_("Departure"), input({ type: "date", value: leg.end_date }),
          { path: path("end_date"), hint: _("Leave empty if you live there.") }),
    count > 1 ? h("button", { type: "button", class: "button link danger-text", onclick: remove },
                  _("Remove this stay")) : null);
}

export function companionFieldset(companion, index, remove) {
  const path = (name) => "companions." + index + "." + name;
  return h("fieldset", { class: "companion-fields" },
    h("legend", {}, _("Companion {number}", { number: index + 1 })),
    field(_("Name"), input({ value: companion.name }), { path: path("name") }),
    field(_("Relationship (optional)"), input({ value: companion.relationship }),
          { path: path("relationship") }),
    field(_("Phone (optional)"), input({ type: "tel", dir: "ltr", value: companion.phone }),
          { path: path("phone") }),
    h("button", { type: "button", class: "button link danger-text", onclick: remove },
      _("Remove this companion")));
}
