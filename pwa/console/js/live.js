// The live console: one server-sent event stream per signed-in staff member (GET
// /api/staff/events), the open-SOS count on the nav and in the tab title, a banner, a beep the
// officer can mute, and a desktop notification when permitted. Polling stays as the fallback.
import { getInBackground } from "/js/api.js";
import { h } from "/js/dom.js";
import { isolate } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { session } from "./session.js";

const FALLBACK_POLL_MS = 15000;
const MUTE_KEY = "console-muted";
const HAZARDS_SEEN_KEY = "console-hazards-seen";  // event ids whose banner was dismissed
const state = { source: null, open: 0, base: "", timer: null, audio: null };

/**
 * `fn` at once, then at most once per `ms`: calls in between fold into one at the end of the
 * wait. A surge of events (50 SOS a second) must not become a request per event per console.
 */
export function coalesce(fn, ms = 1000) {
  let waiting = null;
  let again = false;
  const run = () => {
    again = false;
    Promise.resolve(fn()).catch(() => {});
    waiting = setTimeout(() => {
      waiting = null;
      if (again) run();
    }, ms);
  };
  return () => {
    if (waiting) again = true;
    else run();
  };
}

/** Views listen with window.addEventListener("live", (e) => e.detail.type ...). */
function dispatchLive(type, data) {
  window.dispatchEvent(new CustomEvent("live", { detail: { type, data } }));
}

function paintTitle() {
  const prefix = state.open ? "(" + state.open + ") " : "";
  const wanted = prefix + state.base;
  if (document.title !== wanted) document.title = wanted;
}

/** render() sets the title to the page's heading: keep the count in front of it. */
function watchTitle() {
  const title = document.querySelector("title");
  new MutationObserver(() => {
    const text = document.title.replace(/^\(\d+\) /, "");
    if (text !== state.base || !document.title.startsWith(state.open ? "(" : "")) {
      state.base = text;
      paintTitle();
    }
  }).observe(title, { childList: true, characterData: true, subtree: true });
  state.base = document.title;
}

function paintBadge() {
  const link = document.getElementById("nav-sos");
  let badge = document.getElementById("sos-count");
  if (!badge) {
    badge = h("span", { class: "nav-count", id: "sos-count", "aria-live": "polite" });
    link.append(" ", badge);
  }
  badge.hidden = !state.open;
  badge.textContent = String(state.open);
  badge.title = _("Open SOS cases: {count}", { count: state.open });
  paintTitle();
}

async function countOpen() {
  try {
    const cases = await getInBackground("/api/staff/sos?state=open&limit=200");
    state.open = cases.length;
  } catch (error) {
    return;  // counted again at the next event or fallback tick
  }
  paintBadge();
}

export function isMuted() {
  return localStorage.getItem(MUTE_KEY) === "1";
}

/** A short beep made with the Web Audio API (no sound file). */
function beep() {
  if (isMuted()) return;
  try {
    state.audio = state.audio || new AudioContext();
    const osc = state.audio.createOscillator();
    const gain = state.audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(state.audio.destination);
    osc.start();
    osc.stop(state.audio.currentTime + 0.25);
  } catch (error) {
    // No audio (autoplay policy before any click): the banner still shows.
  }
}

function banner(text, href, { kind = "case", onDismiss = null } = {}) {
  const box = document.getElementById("live-banner");
  box.replaceChildren(
    h("a", { href, id: "live-banner-link" }, text),
    h("button", { type: "button", class: "button small", id: "live-banner-close",
      onclick: () => { box.hidden = true; if (onDismiss) onDismiss(); } }, _("Dismiss")));
  box.dataset.kind = kind;
  box.hidden = false;
}

function hazardsSeen() {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(HAZARDS_SEEN_KEY) || "[]"));
  } catch (error) {
    return new Set();
  }
}

/** My mission's people in the event's area (an admin's: everyone counted). */
function missionPeople(event) {
  const mine = session.me && session.me.embassy && (event.counts.by_mission || [])
    .find((m) => m.embassy_id === session.me.embassy.id);
  return mine ? mine.people : event.counts.people;
}

/**
 * Open events over the configured number of people of my mission (the server decides):
 * a banner to the Events page, unless dismissed, and never over another banner (a case, an
 * approval request).
 */
async function checkHazards() {
  let events;
  try {
    events = await getInBackground("/api/staff/hazards/banner");
  } catch (error) {
    return;  // asked again at the next event or fallback tick
  }
  const seen = hazardsSeen();
  const fresh = events.filter((event) => event.counts && !seen.has(event.id));
  const box = document.getElementById("live-banner");
  box.dataset.hazardChecks = String(Number(box.dataset.hazardChecks || 0) + 1);
  if (!fresh.length || (!box.hidden && box.dataset.kind !== "hazard")) return;
  const event = fresh[0];
  const text = _("Hazard in your jurisdiction: {title} — people in the area: {count}", {
    title: isolate(event.title), count: isolate(String(missionPeople(event))) });
  banner(text, "#/events", { kind: "hazard", onDismiss: () => {
    sessionStorage.setItem(HAZARDS_SEEN_KEY, JSON.stringify([...seen, ...fresh.map((e) => e.id)]));
  } });
}

function notifyDesktop(text, href) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const note = new Notification(_("Staff console"), { body: text, tag: href });
  note.onclick = () => { window.focus(); location.hash = href; };
}

const countSoon = coalesce(countOpen);

function onSos(type, data) {
  countSoon();
  if (type === "sos.changed") return;
  const text = type === "sos.escalated"
    ? _("An SOS case has waited {minutes} min without acknowledgement", { minutes: data.minutes })
    : _("New SOS case");
  banner(text, "#/sos/" + data.case);
  beep();
  notifyDesktop(text, "#/sos/" + data.case);
}

/** An approval request reaches those who may approve it (the server names them). */
function onApprovalRequested(data) {
  if (!session.me || !(data.approvers || []).includes(session.me.id)) return;
  const text = _("Alert {id} waits for your approval", { id: data.alert });
  banner(text, "#/alerts/" + data.alert);
  beep();
  notifyDesktop(text, "#/alerts/" + data.alert);
}

/** Admins only (the event has no mission): someone is guessing a staff member's password. */
function onSignInThrottled() {
  banner(_("Repeated failed sign-ins to a staff account: it is throttled. See the audit log."),
    "#/audit");
}

function onMessage(event) {
  const data = JSON.parse(event.data || "{}");
  if (event.type.startsWith("sos.")) onSos(event.type, data);
  if (event.type === "security.sign_in_throttled") onSignInThrottled();
  if (event.type === "approval.requested") onApprovalRequested(data);
  if (event.type === "hazard.counted") checkHazards();
  dispatchLive(event.type, data);
}

const TYPES = ["sos.new", "sos.changed", "sos.escalated", "approval.requested",
  "approval.approved", "approval.sent_back", "delivery.progress", "rollcall.answer",
  "security.sign_in_throttled", "hazard.counted"];

/** Start (or stop, when signed out) the stream; call it whenever who is signed in changes. */
export function startLive() {
  if (state.source) state.source.close();
  clearInterval(state.timer);
  state.source = null;
  if (!session.me) {
    state.open = 0;
    paintTitle();
    return;
  }
  if (!state.base) watchTitle();
  state.source = new EventSource("/api/staff/events");
  // The stream starts from now: what happened before is on the pages already.
  state.source.onopen = () => { document.documentElement.dataset.live = "open"; };
  state.source.onerror = () => { document.documentElement.dataset.live = "connecting"; };
  for (const type of TYPES) state.source.addEventListener(type, onMessage);
  state.timer = setInterval(() => { countOpen(); checkHazards(); }, FALLBACK_POLL_MS);
  countOpen();
  checkHazards();
}

/** The mute switch and the notification permission, in the console's bar. */
export function paintLiveControls() {
  const mute = document.getElementById("mute");
  // A note sign, named for screen readers and on hover: the bar has no room for a word more.
  const label = isMuted() ? _("Sound off") : _("Sound on");
  mute.textContent = isMuted() ? "\u266A\u2715" : "\u266A";
  mute.setAttribute("aria-label", label);
  mute.title = label;
  mute.setAttribute("aria-pressed", String(isMuted()));
  mute.onclick = () => {
    localStorage.setItem(MUTE_KEY, isMuted() ? "0" : "1");
    paintLiveControls();
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().catch(() => {});
    }
  };
  if (session.me) paintBadge();
}
