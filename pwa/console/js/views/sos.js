// The SOS queue: a list and a map, polled every few seconds; a case with its trail and notes.
/* global L */
import { get, getInBackground, patch } from "/js/api.js";
import { h, notice, telLink } from "/js/dom.js";
import { formatDate, formatDateTime } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { baseMap, label } from "../map.js";
import { canAct, poll, screen } from "../session.js";

const POLL_MS = 3000;
const COLORS = { open: "#c8102e", acknowledged: "#d97706", resolved: "#6b7280", cancelled: "#9ca3af" };
let mounted = null;

export function caseState(state) {
  return { open: _("Open"), acknowledged: _("Acknowledged"), resolved: _("Resolved"),
           cancelled: _("Cancelled by the traveler") }[state] || state;
}

function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return _("{n} s ago", { n: seconds });
  if (seconds < 3600) return _("{n} min ago", { n: Math.round(seconds / 60) });
  return formatDateTime(iso);
}

export async function sosView({ id }) {
  const show = screen();
  if (mounted && mounted.owner.isConnected) {
    mounted.open(id);
    return;
  }
  const list = h("ol", { class: "case-list", id: "case-list", "aria-live": "polite" });
  const announce = h("p", { class: "visually-hidden", role: "status", id: "sos-announce" });
  const updated = h("p", { class: "muted", id: "sos-updated" });
  const mapEl = h("div", { class: "map sos-map", id: "sos-map" });
  const detail = h("section", { class: "panel case-detail", id: "case-detail",
                                "aria-label": _("Case") });
  const owner = h("section", { class: "sos" },
    h("div", { class: "title-row" }, h("h1", {}, _("SOS queue")), updated),
    announce,
    h("div", { class: "sos-grid" },
      h("div", { class: "sos-list" }, list),
      h("div", { class: "sos-map-pane" }, mapEl),
      detail));
  if (!show(owner)) return;
  const { map } = await baseMap(mapEl);
  const markers = L.layerGroup().addTo(map);
  const trail = L.layerGroup().addTo(map);
  let cases = [];
  let known = null;
  let openId = id ? Number(id) : null;
  let openCase = null;

  function paintList() {
    list.replaceChildren(...cases.map((c) => h("li", {
      class: "case case-" + c.state + (c.id === openId ? " current" : "") + (c.flagged ? " flagged" : ""),
      "data-id": c.id, "data-state": c.state },
      h("a", { href: "#/sos/" + c.id },
        h("span", { class: "badge state-" + c.state }, caseState(c.state)), " ",
        h("strong", {}, c.traveler.name || _("Unknown traveler")),
        h("span", { class: "muted" }, " · ", ago(c.received_at))),
      h("div", { class: "muted" }, [c.country, c.subdivision].filter(Boolean).join(" · ") || _("No position"),
        c.message ? h("div", { class: "case-message" }, c.message) : null,
        c.flagged ? h("div", { class: "danger-text" }, _("Many recent cases from this traveler")) : null))));
    if (!cases.length) list.append(h("li", { class: "muted" }, _("No cases. New ones appear here within seconds.")));
  }

  function paintMarkers() {
    markers.clearLayers();
    for (const c of cases) {
      if (c.lat === null || c.lat === undefined) continue;
      const marker = L.circleMarker([c.lat, c.lon], {
        radius: c.id === openId ? 10 : 7, color: "#fff", weight: 2,
        fillColor: COLORS[c.state] || "#333", fillOpacity: 0.95,
        className: "sos-marker sos-marker-" + c.state,
      }).bindTooltip(label((c.traveler.name || "") + " · " + caseState(c.state)));
      marker.on("click", () => { location.hash = "#/sos/" + c.id; });
      marker.addTo(markers);
    }
  }

  async function refresh() {
    cases = await getInBackground("/api/staff/sos?limit=200");
    const ids = new Set(cases.map((c) => c.id));
    if (known) {
      const fresh = cases.filter((c) => !known.has(c.id));
      if (fresh.length) announce.textContent = _("New SOS cases: {count}", { count: fresh.length });
    }
    known = ids;
    updated.textContent = _("Updated {time}", { time: new Date().toLocaleTimeString() });
    paintList();
    paintMarkers();
    if (openCase) {
      const listed = cases.find((c) => c.id === openCase.id);
      if (listed && (listed.state !== openCase.state || listed.position_at !== openCase.position_at)) {
        await open(openCase.id, { quiet: true });
      }
    }
  }

  async function open(caseId, { quiet = false } = {}) {
    openId = caseId ? Number(caseId) : null;
    trail.clearLayers();
    if (!openId) {
      openCase = null;
      detail.replaceChildren(h("p", { class: "muted" }, _("Choose a case to see the traveler's contacts, trip and position trail.")));
      paintList();
      return;
    }
    try {
      // A refresh by polling is not the officer's activity; opening a case is.
      openCase = await (quiet ? getInBackground : get)("/api/staff/sos/" + openId);
    } catch (error) {
      detail.replaceChildren(notice(_("This case cannot be shown."), "error"));
      return;
    }
    paintList();
    paintMarkers();
    paintDetail(openCase);
    const points = (openCase.positions || []).map((p) => [p.lat, p.lon]);
    if (!points.length && openCase.lat !== null) points.push([openCase.lat, openCase.lon]);
    if (points.length) {
      L.polyline(points, { color: "#c8102e", weight: 3, className: "sos-trail" }).addTo(trail);
      if (!quiet) map.fitBounds(L.latLngBounds(points).pad(0.5), { maxZoom: 7, animate: false });
    }
  }

  function paintDetail(c) {
    const t = c.traveler;
    const status = h("div", { class: "form-status", "aria-live": "assertive" });
    const noteBox = h("textarea", { id: "case-note", rows: 3, maxlength: 2000 });
    const change = async (body) => {
      try {
        openCase = await patch("/api/staff/sos/" + c.id, body);
        paintDetail(openCase);
        await refresh();
      } catch (error) {
        status.replaceChildren(notice(error.message || _("Something went wrong. Please try again."), "error"));
      }
    };
    const actions = canAct() && !["resolved", "cancelled"].includes(c.state) ? h("div", { class: "actions" },
      c.state === "open" ? h("button", { type: "button", class: "button primary", id: "acknowledge",
        onclick: () => change({ state: "acknowledged" }) }, _("Acknowledge")) : null,
      h("button", { type: "button", class: "button", id: "resolve",
        onclick: () => window.confirm(_("Mark this case as resolved?")) && change({ state: "resolved" }) },
        _("Resolve"))) : null;
    const trip = c.trip;
    detail.replaceChildren(
      h("h2", {}, _("Case {id}", { id: c.id }), " ",
        h("span", { class: "badge state-" + c.state, id: "case-state" }, caseState(c.state))),
      status,
      c.message ? h("blockquote", { class: "case-message" }, c.message) : null,
      h("dl", { class: "facts" },
        h("dt", {}, _("Traveler")), h("dd", {}, t.name || "", t.account_deleted ? " " + _("(account deleted)") : ""),
        h("dt", {}, _("Phone")), h("dd", {}, t.phone ? telLink(t.phone) : "—"),
        h("dt", {}, _("Email")), h("dd", { dir: "ltr" }, t.email || "—"),
        h("dt", {}, _("Raised")), h("dd", {}, formatDateTime(c.raised_at)),
        h("dt", {}, _("Position")), h("dd", { dir: "ltr" }, c.lat !== null
          ? c.lat.toFixed(5) + ", " + c.lon.toFixed(5) + (c.accuracy ? " ±" + Math.round(c.accuracy) + " m" : "")
          : _("No position")),
        h("dt", {}, _("Routed by")), h("dd", {}, { position: _("Position"), trip: _("Trip"),
          default: _("Default queue") }[c.routed_by] || c.routed_by)),
      actions,
      trip ? h("section", {}, h("h3", {}, _("Trip")),
        h("ul", {}, trip.legs.map((leg) => h("li", {},
          [leg.city, leg.subdivision_name, leg.country_name].filter(Boolean).join(", "), " · ",
          formatDate(leg.start_date), " – ", leg.end_date ? formatDate(leg.end_date) : _("resident")))),
        trip.emergency_contact && trip.emergency_contact.name ? h("p", {}, _("Emergency contact at home:"), " ",
          trip.emergency_contact.name, " ", trip.emergency_contact.phone ? telLink(trip.emergency_contact.phone) : "") : null,
        (trip.companions || []).length ? h("p", {}, _("Companions:"), " ", trip.companions.map((p) =>
          [p.name, p.relationship, p.phone].filter(Boolean).join(" ")).join("; ")) : null)
        : h("p", { class: "muted" }, _("No trip on file.")),
      h("section", {}, h("h3", {}, _("Position trail")),
        (c.positions || []).length ? h("ol", { class: "trail" }, c.positions.map((p) =>
          h("li", { dir: "ltr" }, formatDateTime(p.recorded_at) + " · " + p.lat.toFixed(5) + ", " + p.lon.toFixed(5))))
          : h("p", { class: "muted" }, _("No positions yet."))),
      h("section", {}, h("h3", {}, _("Notes")),
        h("ul", { class: "notes", id: "case-notes" }, (c.notes || []).map((n) => h("li", {},
          h("strong", {}, n.author_name), " · ", h("span", { class: "muted" }, formatDateTime(n.created_at)),
          h("div", { class: "pre-line" }, n.text)))),
        canAct() ? h("form", { class: "stack", id: "note-form", onsubmit: (event) => {
          event.preventDefault();
          if (noteBox.value.trim()) change({ note: noteBox.value.trim() });
        } }, h("label", { for: "case-note" }, _("Add a note")), noteBox,
          h("button", { type: "submit", class: "button" }, _("Add note"))) : null));
  }

  mapEl.dataset.ready = "true";
  mounted = { owner, open: (caseId) => open(caseId) };
  await open(openId);
  poll(refresh, POLL_MS);
}
