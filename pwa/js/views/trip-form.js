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
import { companionFieldset, legFieldset } from "./trip-fieldsets.js";

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

const newTrip = () => ({ purpose: "tourism", notes: "", legs: [emptyLeg()], companions: [],
                         emergency_contact: { name: "", phone: "" } });

/** The countries and the trip being edited (null for a new one), or null when they could not
 * be fetched (with the screen that says why already shown). */
async function loadForm(id) {
  try {
    const countries = await get("/api/places/countries");
    return { countries, values: id ? fromTrip(await loadTrip(id)) : null };
  } catch (error) {
    render(h("h1", {}, _("Trip")), notice(error.offline
      ? _("You are offline. Open this form again when you are back online.") : error.message,
      "error"));
    return null;
  }
}

/** What the form holds now, as form values (`version`: the one the trip was read at). */
function collect(form, legsBox, companionsBox, version) {
  const value = (path) => {
    const el = form.querySelector('[data-path="' + path + '"]');
    return el ? el.value.trim() : "";
  };
  return {
    purpose: value("purpose"), notes: value("notes"), version,
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
}

function emergencyContactGroup(contact) {
  return h("fieldset", { class: "group" }, h("legend", {}, _("Emergency contact at home")),
    field(_("Name"), input({ value: contact.name, autocomplete: "off" }),
          { path: "emergency_contact.name" }),
    field(_("Phone"), input({ type: "tel", dir: "ltr", value: contact.phone }),
          { path: "emergency_contact.phone" }),
    field(_("Email (optional)"), input({ type: "email", dir: "ltr", autocomplete: "off",
      value: contact.email || "" }), { path: "emergency_contact.email" }),
    field(_("Language of the messages they get"), select(
      state.config.languages.map((lang) => [lang.code, lang.name]),
      contact.language || locale()), { path: "emergency_contact.language" }),
    field(_("Tell them when I answer “I am safe” to a roll call, and when I ask for help"),
      input({ type: "checkbox", checked: Boolean(contact.consent) }),
      { path: "emergency_contact.consent",
        hint: _("By email, or by SMS when there is no email. Only your name, what happened and the consular hotline.") }));
}

/** The stays or the companions: painted from a list, one added or removed by repainting what
 * the form holds now. `add(focus)` appends an empty one and focuses its first `focus` control. */
function repeated(box, key, fieldset, empty, read) {
  const paint = (items) => {
    box.replaceChildren(...items.map((item, i) => fieldset(item, i, items.length, () => {
      const now = read();
      now[key].splice(i, 1);
      paint(now[key]);
    })));
  };
  const add = (focus) => {
    const now = read();
    now[key].push(empty());
    paint(now[key]);
    box.lastElementChild.querySelector(focus).focus();
  };
  return { paint, add };
}

/** The form for `values`; `read()` gives what it holds now. */
function tripForm(values, countries, { id, restored }) {
  const form = h("form", { novalidate: true, class: "stack trip-form" });
  const legsBox = h("div", { class: "stack" });
  const companionsBox = h("div", { class: "stack" });
  const read = () => collect(form, legsBox, companionsBox, values.version);
  const legs = repeated(legsBox, "legs", (leg, i, count, remove) => legFieldset(leg, i, count,
    countries, { remove }), emptyLeg, read);
  const companions = repeated(companionsBox, "companions",
    (companion, i, _count, remove) => companionFieldset(companion, i, remove), emptyCompanion, read);
  legs.paint(values.legs);
  companions.paint(values.companions);

  const submit = h("button", { type: "submit", class: "button primary" },
                   id ? _("Save changes") : _("Save trip"));
  form.append(...[
    formStatus(),
    restored ? notice(_("Your unsaved changes on this device were restored.")) : null,
    field(_("Purpose of the trip"), select(purposes(), values.purpose), { path: "purpose" }),
    h("fieldset", { class: "group" }, h("legend", {}, _("Where and when")), legsBox,
      h("button", { type: "button", class: "button", onclick: () => legs.add("select") },
        _("Add another stay"))),
    emergencyContactGroup(values.emergency_contact),
    h("fieldset", { class: "group" }, h("legend", {}, _("Travelling with")), companionsBox,
      h("button", { type: "button", class: "button", onclick: () => companions.add("input") },
        _("Add a companion"))),
    field(_("Notes for the consular service"), h("textarea", { rows: 3, value: values.notes }),
          { path: "notes", hint: _("Optional: health conditions, where you stay, anything useful in a crisis.") }),
    h("div", { class: "actions" }, submit,
      h("a", { href: id ? "#/trips/" + id : "#/trips", class: "button" }, _("Cancel")))
  ].filter(Boolean));
  form.querySelector("textarea").value = values.notes || "";
  return { form, submit, read };
}

/** Typing keeps a draft on this device; submitting sends the trip (offline: again once back
 * online), drops the draft and opens the saved trip. */
function saveOnSubmit({ form, submit, read }, { id, draftKey }) {
  let timer = null;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => saveDraft(draftKey, read()).catch(() => {}), 300);
  });

  let retryWhenOnline = false;
  const save = async () => {
    clearTimeout(timer);
    const current = read();
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
}

export async function tripFormView({ id } = {}) {
  if (!requireUser()) return;
  const draftKey = "trip:" + (id || "new");
  const loaded = await loadForm(id);
  if (!loaded) return;
  const draft = await loadDraft(draftKey).catch(() => undefined);
  const restored = Boolean(draft);
  const trip = tripForm(draft || loaded.values || newTrip(), loaded.countries, { id, restored });
  saveOnSubmit(trip, { id, draftKey });
  const discard = restored ? h("button", { type: "button", class: "button", onclick: async () => {
    await dropDraft(draftKey);
    tripFormView({ id });
  } }, _("Discard my unsaved changes")) : null;
  render(h("h1", {}, id ? _("Edit trip") : _("Add a trip")), trip.form, discard);
  clearErrors(trip.form);
}
