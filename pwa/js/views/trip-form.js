// Add or edit a trip: stays (country, region, city, dates), companions, emergency contact.
// What is typed is kept as a draft on this device until the server accepts it.
import { get, patch, post } from "../api.js";
import { h, notice, render } from "../dom.js";
import { purposes } from "../format.js";
import { clearErrors, field, formStatus, input, select, showErrors } from "../forms.js";
import { _, locale } from "../i18n.js";
import { go } from "../router.js";
import { refreshOfflineCopy, requireUser, state } from "../state.js";
import { dropDraft, loadDraft, saveDraft } from "../store.js";
import { loadTrip } from "./trip.js";

const emptyLeg = () => ({ country: "", subdivision: "", city: "", start_date: "", end_date: "" });
const emptyCompanion = () => ({ name: "", relationship: "", phone: "" });

/** The API's trip (output shape) as form values. */
function fromTrip(trip) {
  return {
    purpose: trip.purpose, notes: trip.notes || "", version: trip.version,
    legs: trip.legs.map((leg) => ({ country: leg.country, subdivision: leg.subdivision || "",
      city: leg.city || "", start_date: leg.start_date, end_date: leg.end_date || "" })),
    companions: trip.companions.map((c) => ({ name: c.name, relationship: c.relationship || "",
      phone: c.phone || "" })),
    emergency_contact: { ...trip.emergency_contact },
  };
}

/** Form values as the API's input: empty optional fields become null. */
function toBody(values) {
  const orNull = (value) => (value === "" ? null : value);
  const body = {
    purpose: values.purpose, notes: orNull(values.notes),
    legs: values.legs.map((leg) => ({ country: leg.country, subdivision: orNull(leg.subdivision),
      city: orNull(leg.city), start_date: leg.start_date, end_date: orNull(leg.end_date) })),
    companions: values.companions.map((c) => ({ name: c.name,
      relationship: orNull(c.relationship), phone: orNull(c.phone) })),
    emergency_contact: values.emergency_contact,
  };
  if (values.version !== undefined) body.version = values.version;
  return body;
}

export async function tripFormView({ id } = {}) {
  if (!requireUser()) return;
  const draftKey = "trip:" + (id || "new");
  let values;
  let countries = [];
  try {
    countries = await get("/api/places/countries");
    values = id ? fromTrip(await loadTrip(id)) : null;
  } catch (error) {
    render(h("h1", {}, _("Trip")), notice(error.offline
      ? _("You are offline. Open this form again when you are back online.") : error.message,
      "error"));
    return;
  }
  const draft = await loadDraft(draftKey).catch(() => undefined);
  const restored = Boolean(draft);
  values = draft || values || { purpose: "tourism", notes: "", legs: [emptyLeg()],
    companions: [], emergency_contact: { name: "", phone: "" } };

  const form = h("form", { novalidate: true, class: "stack trip-form" });
  const legsBox = h("div", { class: "stack" });
  const companionsBox = h("div", { class: "stack" });

  const collect = () => {
    const value = (path) => {
      const el = form.querySelector('[data-path="' + path + '"]');
      return el ? el.value.trim() : "";
    };
    return {
      purpose: value("purpose"), notes: value("notes"), version: values.version,
      legs: [...legsBox.children].map((_el, i) => ({
        country: value("legs." + i + ".country"), subdivision: value("legs." + i + ".subdivision"),
        city: value("legs." + i + ".city"), start_date: value("legs." + i + ".start_date"),
        end_date: value("legs." + i + ".end_date") })),
      companions: [...companionsBox.children].map((_el, i) => ({
        name: value("companions." + i + ".name"),
        relationship: value("companions." + i + ".relationship"),
        phone: value("companions." + i + ".phone") })),
      emergency_contact: { name: value("emergency_contact.name"),
        phone: value("emergency_contact.phone"), email: value("emergency_contact.email") || null,
        language: value("emergency_contact.language") || null,
        consent: form.querySelector('[data-path="emergency_contact.consent"]').checked },
    };
  };

  const paintLegs = (legs) => {
    legsBox.replaceChildren(...legs.map((leg, i) => legFieldset(leg, i, legs.length, countries, {
      remove: () => {
        const now = collect();
        now.legs.splice(i, 1);
        paintLegs(now.legs);
      },
    })));
  };
  const paintCompanions = (companions) => {
    companionsBox.replaceChildren(...companions.map((c, i) => companionFieldset(c, i, () => {
      const now = collect();
      now.companions.splice(i, 1);
      paintCompanions(now.companions);
    })));
  };
  paintLegs(values.legs);
  paintCompanions(values.companions);

  const submit = h("button", { type: "submit", class: "button primary" },
                   id ? _("Save changes") : _("Save trip"));
  form.append(...[
    formStatus(),
    restored ? notice(_("Your unsaved changes on this device were restored.")) : null,
    field(_("Purpose of the trip"), select(purposes(), values.purpose), { path: "purpose" }),
    h("fieldset", { class: "group" }, h("legend", {}, _("Where and when")), legsBox,
      h("button", { type: "button", class: "button", onclick: () => {
        const now = collect();
        now.legs.push(emptyLeg());
        paintLegs(now.legs);
        legsBox.lastElementChild.querySelector("select").focus();
      } }, _("Add another stay"))),
    h("fieldset", { class: "group" }, h("legend", {}, _("Emergency contact at home")),
      field(_("Name"), input({ value: values.emergency_contact.name, autocomplete: "off" }),
            { path: "emergency_contact.name" }),
      field(_("Phone"), input({ type: "tel", dir: "ltr", value: values.emergency_contact.phone }),
            { path: "emergency_contact.phone" }),
      field(_("Email (optional)"), input({ type: "email", dir: "ltr", autocomplete: "off",
        value: values.emergency_contact.email || "" }), { path: "emergency_contact.email" }),
      field(_("Language of the messages they get"), select(
        state.config.languages.map((lang) => [lang.code, lang.name]),
        values.emergency_contact.language || locale()), { path: "emergency_contact.language" }),
      field(_("Tell them when I answer “I am safe” to a roll call, and when I ask for help"),
        input({ type: "checkbox", checked: Boolean(values.emergency_contact.consent) }),
        { path: "emergency_contact.consent",
          hint: _("By email, or by SMS when there is no email. Only your name, what happened and the consular hotline.") })),
    h("fieldset", { class: "group" }, h("legend", {}, _("Travelling with")), companionsBox,
      h("button", { type: "button", class: "button", onclick: () => {
        const now = collect();
        now.companions.push(emptyCompanion());
        paintCompanions(now.companions);
        companionsBox.lastElementChild.querySelector("input").focus();
      } }, _("Add a companion"))),
    field(_("Notes for the consular service"), h("textarea", { rows: 3, value: values.notes }),
          { path: "notes", hint: _("Optional: health conditions, where you stay, anything useful in a crisis.") }),
    h("div", { class: "actions" }, submit,
      h("a", { href: id ? "#/trips/" + id : "#/trips", class: "button" }, _("Cancel")))
  ].filter(Boolean));
  form.querySelector("textarea").value = values.notes || "";

  let timer = null;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => saveDraft(draftKey, collect()).catch(() => {}), 300);
  });

  let retryWhenOnline = false;
  const save = async () => {
    clearTimeout(timer);
    const current = collect();
    await saveDraft(draftKey, current).catch(() => {});
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const body = toBody(current);
      const trip = id ? await patch("/api/trips/" + id, body) : await post("/api/trips", body);
      await dropDraft(draftKey).catch(() => {});
      // The list's offline copy was taken before this trip: read offline, it must show it.
      refreshOfflineCopy("/api/trips");
      go("/trips/" + trip.id);
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
      if (error.offline && !retryWhenOnline) {
        retryWhenOnline = true;
        window.addEventListener("online", () => {
          retryWhenOnline = false;
          if (form.isConnected) save();
        }, { once: true });
      }
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });

  const discard = restored ? h("button", { type: "button", class: "button", onclick: async () => {
    await dropDraft(draftKey);
    tripFormView({ id });
  } }, _("Discard my unsaved changes")) : null;
  render(h("h1", {}, id ? _("Edit trip") : _("Add a trip")), form, discard);
  clearErrors(form);
}

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

function legFieldset(leg, index, count, countries, { remove }) {
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

function companionFieldset(companion, index, remove) {
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
