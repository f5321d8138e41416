// One trip: each stay with the responsible mission's contacts, and the global hotline.
import { del, get } from "../api.js";
import { h, notice, render, telLink } from "../dom.js";
import { emergencyButtons, emergencyFor } from "../emergency.js";
import { dateRange, destinations, missionKind, purposeLabel } from "../format.js";
import { _ } from "../i18n.js";
import { go } from "../router.js";
import { requireUser, state } from "../state.js";
import { pushPrompt } from "./push-prompt.js";

/** The trip from the API, else (offline, never opened before) from the saved list of trips. */
export async function loadTrip(id) {
  try {
    return await get("/api/trips/" + encodeURIComponent(id));
  } catch (error) {
    if (!error.offline) throw error;
    const trips = await get("/api/trips");
    const trip = trips.find((item) => String(item.id) === String(id));
    if (!trip) throw error;
    return trip;
  }
}

export async function tripView({ id }) {
  if (!requireUser()) return;
  let trip;
  try {
    trip = await loadTrip(id);
  } catch (error) {
    render(h("h1", {}, _("Trip")), notice(error.offline
      ? _("You are offline and this trip has not been saved on this device yet.")
      : error.message, "error"));
    return;
  }
  render(
    h("h1", {}, destinations(trip)),
    h("p", { class: "muted" }, purposeLabel(trip.purpose), " · ",
      dateRange(trip.start_date, trip.end_date)),
    localEmergencySection(trip),
    trip.legs.map(legSection),
    hotlineSection(),
    contactsSection(trip),
    await pushPrompt(),
    actions(trip));
}

/** Police, ambulance, fire in each country of the trip (filled in as the numbers come). */
function localEmergencySection(trip) {
  const names = new Map(trip.legs.map((leg) => [leg.country, leg.country_name]));
  const list = h("div", {});
  const section = h("section", { class: "card local-emergency", id: "trip-emergency", hidden: true },
    h("h2", {}, _("In an emergency")), list);
  Promise.all([...names.keys()].map(emergencyFor)).then((answers) => {
    const shown = answers.map((answer) => answer && emergencyButtons(answer, names.get(answer.country)))
      .filter(Boolean);
    list.replaceChildren(...shown);
    section.hidden = !shown.length;
  }).catch(() => {});
  return section;
}

function legSection(leg) {
  const place = [leg.city, leg.subdivision_name, leg.country_name].filter(Boolean).join(", ");
  return h("section", { class: "leg", "aria-label": place },
    h("h2", {}, place),
    h("p", { class: "muted" }, dateRange(leg.start_date, leg.end_date)),
    leg.mission ? missionCard(leg.mission)
      : notice(_("No mission serves this place. Call the global hotline.")));
}

/** A mission's contacts: tap to call, write, find it on a map. */
export function missionCard(mission) {
  const map = mission.lat !== null && mission.lat !== undefined
    ? "https://www.openstreetmap.org/?mlat=" + mission.lat + "&mlon=" + mission.lon
      + "#map=17/" + mission.lat + "/" + mission.lon
    : "https://www.openstreetmap.org/search?query=" + encodeURIComponent(mission.address);
  return h("div", { class: "mission card" },
    h("h3", {}, mission.name),
    h("p", { class: "muted" }, missionKind(mission.kind), mission.city ? " · " + mission.city : ""),
    h("dl", { class: "contacts" },
      h("dt", {}, _("Emergency line (24 hours)")),
      h("dd", {}, telLink(mission.emergency_phone, mission.emergency_phone_display)),
      h("dt", {}, _("Consular section")),
      h("dd", {}, telLink(mission.phone, mission.phone_display)),
      mission.email ? [h("dt", {}, _("Email")),
        h("dd", {}, h("a", { href: "mailto:" + mission.email, dir: "ltr" }, mission.email))] : null,
      h("dt", {}, _("Address")),
      h("dd", {}, h("address", { dir: "auto" }, mission.address), " ",
        h("a", { href: map, rel: "noopener", target: "_blank" }, _("Open in a map"))),
      mission.hours ? [h("dt", {}, _("Opening hours")), h("dd", {}, mission.hours)] : null));
}

export function hotlineSection() {
  const hotline = state.config.hotline;
  if (!hotline) return null;
  return h("section", { class: "hotline card" },
    h("h2", {}, _("Global consular hotline")),
    h("p", {}, _("Day and night, from anywhere:"), " ", telLink(hotline, state.config.hotline_display)));
}

function contactsSection(trip) {
  const contact = trip.emergency_contact || {};
  return h("section", {},
    h("h2", {}, _("Emergency contact at home")),
    h("p", {}, contact.name, " ", contact.phone ? telLink(contact.phone, contact.phone_display) : null),
    contact.email ? h("p", {}, h("bdi", { dir: "ltr" }, contact.email)) : null,
    contact.consent ? h("p", { class: "hint", id: "contact-consent" },
      _("They are told when you answer “I am safe” to a roll call and when you ask for help.")) : null,
    trip.companions.length ? [h("h2", {}, _("Travelling with")),
      h("ul", {}, trip.companions.map((c) => h("li", {}, c.name,
        c.relationship ? " (" + c.relationship + ")" : "", " ",
        c.phone ? telLink(c.phone, c.phone_display) : null)))] : null);
}

function actions(trip) {
  const confirmBox = h("div", { class: "confirm", hidden: true, role: "group" },
    h("p", {}, _("Delete this trip? This cannot be undone.")),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "button danger", onclick: async (event) => {
        event.target.disabled = true;
        try {
          await del("/api/trips/" + trip.id);
          go("/trips");
        } catch (error) {
          event.target.disabled = false;
          confirmBox.append(notice(error.offline
            ? _("You are offline. Try again when you are back online.") : error.message, "error"));
        }
      } }, _("Yes, delete it")),
      h("button", { type: "button", class: "button", onclick: () => {
        confirmBox.hidden = true;
      } }, _("Cancel"))));
  return h("div", { class: "actions" },
    h("a", { href: "#/trips/" + trip.id + "/edit", class: "button" }, _("Edit trip")),
    h("button", { type: "button", class: "button danger-outline", onclick: () => {
      confirmBox.hidden = false;
      confirmBox.querySelector("button").focus();
    } }, _("Delete trip")),
    confirmBox);
}
