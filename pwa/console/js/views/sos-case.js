// One SOS case as the officer sees it: contacts, trip, trail, notes, and what can be done.
import { h, notice, telLink } from "/js/dom.js";
import { formatDate, formatDateTime, isolate } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { canAct } from "../session.js";

export function caseState(state) {
  return { open: _("Open"), acknowledged: _("Acknowledged"), resolved: _("Resolved"),
           cancelled: _("Cancelled by the traveler") }[state] || state;
}

function actions(c, change) {
  if (!canAct() || ["resolved", "cancelled"].includes(c.state)) return null;
  return h("div", { class: "actions" },
    c.state === "open" ? h("button", { type: "button", class: "button primary", id: "acknowledge",
      onclick: () => change({ state: "acknowledged" }) }, _("Acknowledge")) : null,
    h("button", { type: "button", class: "button", id: "resolve",
      onclick: () => window.confirm(_("Mark this case as resolved?")) && change({ state: "resolved" }) },
      _("Resolve")));
}

/** An outbound link to the position on openstreetmap.org (the server fetches nothing). */
export function mapLink(lat, lon) {
  const [y, x] = [lat.toFixed(5), lon.toFixed(5)];
  return "https://www.openstreetmap.org/?" + new URLSearchParams({ mlat: y, mlon: x })
    + "#map=16/" + y + "/" + x;
}

/** Where the traveler is: the place ("3 km NE of Paris"), the point, its accuracy, a link. */
function position(c) {
  if (c.lat === null || c.lat === undefined) return _("No position");
  return [
    c.place ? h("div", {}, h("bdi", { id: "case-place" }, c.place)) : null,
    h("div", {}, h("bdi", { dir: "ltr", id: "case-coordinates" }, c.lat.toFixed(5) + ", " + c.lon.toFixed(5)),
      c.accuracy ? [" · ", h("span", { id: "case-accuracy" },
        _("accurate to {metres} m", { metres: isolate(String(Math.round(c.accuracy))) }))] : null),
    h("a", { href: mapLink(c.lat, c.lon), id: "case-map-link", target: "_blank",
             rel: "noopener noreferrer" }, _("Open in a map")),
  ].filter(Boolean);
}

function facts(c) {
  const t = c.traveler;
  return h("dl", { class: "facts" },
    h("dt", {}, _("Traveler")), h("dd", {}, t.name || "", t.account_deleted ? " " + _("(account deleted)") : "",
      t.unverified ? [" ", unverifiedBadge()] : null),
    h("dt", {}, _("Phone")), h("dd", {}, t.phone ? telLink(t.phone) : "—"),
    h("dt", {}, _("Email")), h("dd", { dir: "ltr" }, t.email || "—"),
    h("dt", {}, _("Raised")), h("dd", {}, h("bdi", {}, formatDateTime(c.raised_at))),
    c.acknowledged_at ? [h("dt", {}, _("Acknowledged")), h("dd", { id: "case-acknowledged" },
      _("by {name}, {time}", { name: isolate(c.acknowledged_by_name || "—"),
                               time: isolate(formatDateTime(c.acknowledged_at)) }))] : null,
    h("dt", {}, _("Position")), h("dd", { id: "case-position" }, position(c)),
    h("dt", {}, _("Routed by")), h("dd", {}, { position: _("Position"), trip: _("Trip"),
      default: _("Default queue"), crisis: _("Crisis sign-up page") }[c.routed_by] || c.routed_by));
}

/** A case raised without an account: the name and phone are only what was typed. */
export function unverifiedBadge() {
  return h("span", { class: "badge badge-unverified", title: _("Raised without an account: name and phone not verified") },
    _("unverified"));
}

function tripSection(trip) {
  if (!trip) return h("p", { class: "muted" }, _("No trip on file."));
  const contact = trip.emergency_contact;
  return h("section", {}, h("h3", {}, _("Trip")),
    h("ul", {}, trip.legs.map((leg) => h("li", {},
      [leg.city, leg.subdivision_name, leg.country_name].filter(Boolean).map(isolate).join(", "), " · ",
      formatDate(leg.start_date), " – ", leg.end_date ? formatDate(leg.end_date) : _("resident")))),
    trip.notes ? h("p", { class: "pre-line", id: "trip-notes" }, _("Trip notes:"), " ",
      h("bdi", { dir: "auto" }, trip.notes)) : null,
    contact && contact.name ? h("p", {}, _("Emergency contact at home:"), " ",
      h("bdi", {}, contact.name), " ", contact.phone ? telLink(contact.phone) : "") : null,
    (trip.companions || []).length ? [h("p", {}, _("Companions:")), h("ul", { id: "companions" },
      trip.companions.map((p) => h("li", {}, h("bdi", {}, [p.name, p.relationship]
        .filter(Boolean).join(" ")), p.phone ? [" ", telLink(p.phone)] : null)))] : null);
}

function trailSection(c) {
  return h("section", {}, h("h3", {}, _("Position trail")),
    (c.positions || []).length ? h("ol", { class: "trail" }, c.positions.map((p) =>
      h("li", {}, h("bdi", {}, formatDateTime(p.recorded_at)), " · ",
        h("bdi", { dir: "ltr" }, p.lat.toFixed(5) + ", " + p.lon.toFixed(5)))))
      : h("p", { class: "muted" }, _("No positions yet.")));
}

function notesSection(c, change) {
  const noteBox = h("textarea", { id: "case-note", rows: 3, maxlength: 2000 });
  return h("section", {}, h("h3", {}, _("Notes")),
    h("ul", { class: "notes", id: "case-notes" }, (c.notes || []).map((n) => h("li", {},
      h("strong", {}, h("bdi", {}, n.author_name)), " · ",
      h("span", { class: "muted" }, formatDateTime(n.created_at)),
      // Staff type English in an Arabic console: the note keeps its own direction.
      h("div", { class: "pre-line", dir: "auto" }, n.text)))),
    canAct() ? h("form", { class: "stack", id: "note-form", onsubmit: (event) => {
      event.preventDefault();
      if (noteBox.value.trim()) change({ note: noteBox.value.trim() });
    } }, h("label", { for: "case-note" }, _("Add a note")), noteBox,
      h("button", { type: "submit", class: "button" }, _("Add note"))) : null);
}

/**
 * The case's detail, for the panel. `change(body)` PATCHes the case and repaints; it resolves
 * with an error message to show, or null.
 */
export function caseDetail(c, change) {
  const status = h("div", { class: "form-status", "aria-live": "assertive" });
  const act = async (body) => {
    const problem = await change(body);
    if (problem) status.replaceChildren(notice(problem, "error"));
  };
  return [
    h("h2", {}, _("Case {id}", { id: c.id }), " ",
      h("span", { class: "badge state-" + c.state, id: "case-state" }, caseState(c.state))),
    status,
    c.message ? h("blockquote", { class: "case-message", dir: "auto" }, c.message) : null,
    facts(c), actions(c, act), tripSection(c.trip), trailSection(c), notesSection(c, act),
  ].filter(Boolean);
}
