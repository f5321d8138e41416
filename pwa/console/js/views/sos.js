// The SOS queue: a list and a map, polled every few seconds; a case with its trail and notes
// (its detail is sos-case.js).
/* global L */
import { get, getInBackground, patch } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { formatDateTime } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { maxZoom } from "../basemap.js";
import { coalesce } from "../live.js";
import { baseMap, label } from "../map.js";
import { poll, screen } from "../session.js";
import { caseDetail, caseState, unverifiedBadge } from "./sos-case.js";

const POLL_MS = 3000;
const COLORS = { open: "#c8102e", acknowledged: "#d97706", resolved: "#6b7280", cancelled: "#9ca3af" };
let mounted = null;

function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return _("{n} s ago", { n: seconds });
  if (seconds < 3600) return _("{n} min ago", { n: Math.round(seconds / 60) });
  return formatDateTime(iso);
}

function caseItem(c, openId) {
  return h("li", {
    class: "case case-" + c.state + (c.id === openId ? " current" : "") + (c.flagged ? " flagged" : ""),
    "data-id": c.id, "data-state": c.state },
  h("a", { href: "#/sos/" + c.id },
    h("span", { class: "badge state-" + c.state }, caseState(c.state)), " ",
    h("strong", {}, c.traveler.name || _("Unknown traveler")),
    c.unverified ? [" ", unverifiedBadge()] : null,
    h("span", { class: "muted" }, " · ", ago(c.received_at))),
  h("div", { class: "muted" }, c.place ? h("bdi", { class: "case-place" }, c.place)
    : [c.country, c.subdivision].filter(Boolean).join(" · ") || _("No position"),
    c.message ? h("div", { class: "case-message" }, c.message) : null,
    c.flagged ? h("div", { class: "danger-text" }, _("Many recent cases from this traveler")) : null));
}

function paintList(list, cases, openId) {
  list.replaceChildren(...cases.map((c) => caseItem(c, openId)));
  if (!cases.length) list.append(h("li", { class: "muted" }, _("No cases. New ones appear here within seconds.")));
}

/** The cases with a position as markers; the name reaches Leaflet as text (see label). */
function paintMarkers(markers, cases, openId) {
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

function drawTrail(map, trail, c, { fit }) {
  const points = (c.positions || []).map((p) => [p.lat, p.lon]);
  if (!points.length && c.lat !== null) points.push([c.lat, c.lon]);
  if (!points.length) return;
  L.polyline(points, { color: "#c8102e", weight: 3, className: "sos-trail" }).addTo(trail);
  // How far off the last position may be, as a disc around it.
  const accuracy = c.lat !== null && c.accuracy ? L.circle([c.lat, c.lon], {
    radius: c.accuracy, color: "#c8102e", weight: 1, fillOpacity: 0.12, interactive: false,
    className: "sos-accuracy" }).addTo(trail) : null;
  if (!fit) return;
  const bounds = L.latLngBounds(points);
  if (accuracy) bounds.extend(accuracy.getBounds());
  map.fitBounds(bounds.pad(0.5), { maxZoom: Math.min(15, maxZoom()), animate: false });
}

function queueScreen() {
  const parts = {
    list: h("ol", { class: "case-list", id: "case-list", "aria-live": "polite" }),
    announce: h("p", { class: "visually-hidden", role: "status", id: "sos-announce" }),
    updated: h("p", { class: "muted", id: "sos-updated" }),
    mapEl: h("div", { class: "map sos-map", id: "sos-map" }),
    detail: h("section", { class: "panel case-detail", id: "case-detail", "aria-label": _("Case") }),
  };
  parts.owner = h("section", { class: "sos" },
    h("div", { class: "title-row" }, h("h1", {}, _("SOS queue")), parts.updated),
    parts.announce,
    h("div", { class: "sos-grid" },
      h("div", { class: "sos-list" }, parts.list),
      h("div", { class: "sos-map-pane" }, parts.mapEl),
      parts.detail));
  return parts;
}

export async function sosView({ id }) {
  const show = screen();
  if (mounted && mounted.owner.isConnected) {
    mounted.open(id);
    return;
  }
  const { list, announce, updated, mapEl, detail, owner } = queueScreen();
  if (!show(owner)) return;
  const { map } = await baseMap(mapEl);
  const markers = L.layerGroup().addTo(map);
  const trail = L.layerGroup().addTo(map);
  let cases = [];
  let known = null;
  let openId = id ? Number(id) : null;
  let openCase = null;
  const paint = () => {
    paintList(list, cases, openId);
    paintMarkers(markers, cases, openId);
  };

  async function refresh() {
    cases = await getInBackground("/api/staff/sos?limit=200");
    const fresh = known ? cases.filter((c) => !known.has(c.id)) : [];
    if (fresh.length) announce.textContent = _("New SOS cases: {count}", { count: fresh.length });
    known = new Set(cases.map((c) => c.id));
    updated.textContent = _("Updated {time}", { time: new Date().toLocaleTimeString() });
    paint();
    const listed = openCase && cases.find((c) => c.id === openCase.id);
    if (listed && (listed.state !== openCase.state || listed.position_at !== openCase.position_at)) {
      await open(openCase.id, { quiet: true });
    }
  }

  async function change(body) {
    try {
      openCase = await patch("/api/staff/sos/" + openCase.id, body);
      detail.replaceChildren(...caseDetail(openCase, change));
      await refresh();
      return null;
    } catch (error) {
      return error.message || _("Something went wrong. Please try again.");
    }
  }

  async function open(caseId, { quiet = false } = {}) {
    openId = caseId ? Number(caseId) : null;
    trail.clearLayers();
    if (!openId) {
      openCase = null;
      detail.replaceChildren(h("p", { class: "muted" }, _("Choose a case to see the traveler's contacts, trip and position trail.")));
      paintList(list, cases, openId);
      return;
    }
    try {
      // A refresh by polling is not the officer's activity; opening a case is.
      openCase = await (quiet ? getInBackground : get)("/api/staff/sos/" + openId);
    } catch (error) {
      detail.replaceChildren(notice(_("This case cannot be shown."), "error"));
      return;
    }
    paint();
    detail.replaceChildren(...caseDetail(openCase, change));
    drawTrail(map, trail, openCase, { fit: !quiet });
  }

  mapEl.dataset.ready = "true";
  mounted = { owner, open: (caseId) => open(caseId) };
  await open(openId);
  poll(refresh, POLL_MS);
  const refreshSoon = coalesce(refresh);
  const onLive = (event) => {
    if (!owner.isConnected) return window.removeEventListener("live", onLive);
    if (event.detail.type.startsWith("sos.")) refreshSoon();
  };
  window.addEventListener("live", onLive);
}
