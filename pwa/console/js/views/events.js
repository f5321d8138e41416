// Hazard events from the feeds in my jurisdiction (GET /api/staff/hazards), with the people
// counted in each area, severity colours, and one click to a draft alert or roll call; the
// same events on a map (events-map.js).
import { get, post } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { formatDateTime } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { go } from "/js/router.js";
import { canAct, screen } from "../session.js";
import { eventsMap } from "./events-map.js";

const ROLLCALL_DRAFT_KEY = "console.rollcall.draft";  // read by ../rollcall/form-check.js

function levelLabel(level) {
  return { green: _("Green"), yellow: _("Yellow"), orange: _("Orange"), red: _("Red") }[level]
    || level;
}

function kindLabel(kind) {
  return { earthquake: _("Earthquake"), cyclone: _("Tropical cyclone"), flood: _("Flood"),
           volcano: _("Volcano"), drought: _("Drought"), wildfire: _("Wildfire"),
           other: _("Other hazard") }[kind] || kind;
}

function peopleCell(event) {
  if (!event.counts) return h("span", { class: "muted" }, _("counting…"));
  return h("strong", { "data-count": "people" }, String(event.counts.people || 0));
}

async function draftAlert(event) {
  const alert = await post("/api/staff/hazards/" + event.id + "/draft-alert");
  go("/alerts/" + alert.id);
}

async function draftRollcall(event) {
  const body = await post("/api/staff/hazards/" + event.id + "/draft-rollcall");
  sessionStorage.setItem(ROLLCALL_DRAFT_KEY, JSON.stringify(body));
  go("/rollcalls/new");
}

function actions(event) {
  if (!canAct()) return null;
  return h("div", { class: "actions" },
    h("button", { type: "button", class: "button small", "data-action": "draft-alert",
      onclick: () => draftAlert(event) }, _("Draft alert")),
    h("button", { type: "button", class: "button small", "data-action": "draft-rollcall",
      onclick: () => draftRollcall(event) }, _("Draft roll call")));
}

/** The event on the map: what it is, the people in its area, and what can be prepared. */
function summary(event) {
  return h("div", { class: "event-summary", "data-id": event.id },
    h("p", {}, h("span", { class: "badge level-" + event.level }, levelLabel(event.level)), " ",
      kindLabel(event.kind)),
    h("p", {}, h("strong", { dir: "auto" }, event.title)),
    h("p", {}, _("People in the area"), ": ", peopleCell(event)),
    actions(event));
}

function row(event) {
  return h("tr", { "data-id": event.id, "data-level": event.level },
    h("td", {}, h("span", { class: "badge level-" + event.level }, levelLabel(event.level))),
    h("td", {}, kindLabel(event.kind), event.magnitude !== null && event.magnitude !== undefined
      ? h("div", { class: "muted" }, _("Magnitude {value}", { value: event.magnitude })) : null),
    h("td", { dir: "auto" }, event.title),
    h("td", {}, peopleCell(event)),
    h("td", {}, h("bdi", {}, formatDateTime(event.effective))),
    h("td", {}, actions(event)));
}

export async function eventsView() {
  const show = screen();
  let events;
  try {
    events = await get("/api/staff/hazards?limit=100");
  } catch (error) {
    show(h("section", {}, h("h1", {}, _("Events")),
      notice(error.message || _("Something went wrong. Please try again."), "error")));
    return;
  }
  const mapEl = h("div", { class: "map events-map", id: "events-map" });
  if (!show(h("section", { class: "events" }, h("h1", {}, _("Events")),
    h("p", { class: "hint" }, _("Hazards reported by the configured feeds in your jurisdiction, with the people registered in each area. Nothing is sent without a person.")),
    mapEl,
    events.length ? h("table", { class: "data", id: "event-table" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, _("Level")), h("th", { scope: "col" }, _("Kind")),
        h("th", { scope: "col" }, _("Event")), h("th", { scope: "col" }, _("People in the area")),
        h("th", { scope: "col" }, _("Since")), h("th", { scope: "col" }, _("Prepare")))),
      h("tbody", {}, events.map(row)))
      : h("p", { class: "muted", id: "no-events" }, _("No open events in your jurisdiction."))))) {
    return;
  }
  await eventsMap(mapEl, events, summary);
}
