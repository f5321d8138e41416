// SOS on this phone: the cancel window, raising (outbox first, then the network), replay,
// position updates while a case is open, and the last known fix for calls and texts.
import { cookie } from "./api.js";
import { languageTag, locale } from "./i18n.js";
import { API_CACHE, outbox, refreshToken, uuid4 } from "./outbox.js";
import { state } from "./state.js";

export { outbox };
export const CANCEL_WINDOW_S = 5;
const FIX_WAIT_MS = 5000;          // how long an SOS may wait for a position before it goes
const FIX_FRESH_MS = 2 * 60 * 1000; // a fix this recent is good enough to send at once
const TRAIL_EVERY_MS = 3 * 60 * 1000;

const listeners = new Set();
/** Be told when the countdown or a case changes (here, in another tab, or in the worker). */
export function onSosChange(listener) {
  listeners.add(listener);
  const off = outbox.onChange(listener);
  return () => {
    listeners.delete(listener);
    off();
  };
}
const changed = () => listeners.forEach((listener) => listener());

const csrfToken = () => cookie("csrf_token");

// Position ------------------------------------------------------------------------------------

/** The last position this phone knew, or null: {lat, lon, accuracy, at}. */
export async function lastFix() {
  return (await outbox.getMeta("last_fix").catch(() => null)) || null;
}

/** A position within `wait` ms, else null (denied, no signal, or a prompt left unanswered);
 * one up to `maxAge` ms old will do. */
export function locate(wait = FIX_WAIT_MS, maxAge = 60 * 1000) {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) {
      resolve(null);
      return;
    }
    // The API's own timeout does not count the time a permission prompt is open.
    const timer = setTimeout(() => resolve(null), wait + 500);
    navigator.geolocation.getCurrentPosition((position) => {
      clearTimeout(timer);
      const { latitude, longitude, accuracy } = position.coords;
      const fix = { lat: Number(latitude.toFixed(6)), lon: Number(longitude.toFixed(6)),
                    accuracy: Math.round(accuracy), at: new Date(position.timestamp).toISOString() };
      outbox.setMeta("last_fix", fix).catch(() => {}).then(changed);
      resolve(fix);
    }, () => {
      clearTimeout(timer);
      resolve(null);
    }, { enableHighAccuracy: true, timeout: wait, maximumAge: maxAge });
  });
}

// Trips: an emergency screen must not wait long for a slow network. ----------------------------

/** My trips: fresh if the network answers within a few seconds, else the saved copy, else []. */
export async function savedTrips() {
  const saved = () => ("caches" in self
    ? caches.match("/api/trips", { cacheName: API_CACHE })
      .then((response) => (response ? response.json() : [])).catch(() => [])
    : Promise.resolve([]));
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3000);
  try {
    const response = await fetch("/api/trips", {
      credentials: "same-origin", signal: abort.signal,
      headers: { Accept: "application/json", "Accept-Language": languageTag() } });
    return response.ok ? await response.json() : await saved();
  } catch (error) {
    return saved();
  } finally {
    clearTimeout(timer);
  }
}

// The cancel window -----------------------------------------------------------------------------

let countdown = null;

export function pendingCountdown() {
  return countdown && { ...countdown, left: Math.max(0, Math.ceil((countdown.endsAt - Date.now()) / 1000)) };
}

/** The hold was confirmed: the SOS goes when the window runs out, unless cancelled. */
export function startCountdown() {
  if (countdown) return;
  countdown = { raisedAt: new Date().toISOString(), endsAt: Date.now() + CANCEL_WINDOW_S * 1000,
                message: "", timer: null };
  countdown.timer = setInterval(() => {
    if (Date.now() >= countdown.endsAt) sendCountdownNow();
    else changed();
  }, 250);
  changed();
}

export function setCountdownMessage(text) {
  if (countdown) countdown.message = text;
}

export function cancelCountdown() {
  if (!countdown) return;
  clearInterval(countdown.timer);
  countdown = null;
  changed();
}

export function sendCountdownNow() {
  if (!countdown) return null;
  const { raisedAt, message, timer } = countdown;
  clearInterval(timer);
  countdown = null;
  const raising = raise({ raisedAt, message });
  changed();
  return raising;
}

// Raise, follow up, replay ----------------------------------------------------------------------

/** The trip the phone believes is current (the server checks it), or null. */
async function currentTripId() {
  const trips = await savedTrips();
  const trip = Array.isArray(trips) && trips.find((item) => item.status === "current");
  return trip ? trip.id : null;
}

/** Write the SOS to the outbox before anything else, add the position, then send it. */
export async function raise({ raisedAt, message }) {
  const id = uuid4();
  const sos = { client_uuid: id, raised_at: raisedAt || new Date().toISOString(),
                message: (message || "").trim() || null, lat: null, lon: null, accuracy: null,
                trip_id: null };
  const known = await lastFix();
  const fresh = known && Date.now() - Date.parse(known.at) < FIX_FRESH_MS;
  if (fresh) Object.assign(sos, { lat: known.lat, lon: known.lon, accuracy: known.accuracy });
  // Held back only while a position is sought: if this page dies, any later flush sends it.
  await outbox.queueSos(sos, { token: csrfToken(), language: locale(),
                               userId: state.user && state.user.id,
                               holdUntil: fresh ? 0 : Date.now() + FIX_WAIT_MS + 1000 });
  registerSync();
  const tripId = await currentTripId().catch(() => null);
  const fix = fresh ? null : await locate();
  const update = { not_before: 0, trip_id: tripId };
  if (fix) Object.assign(update, { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy });
  if (!await outbox.updateQueuedSos(id, update) && fix) {
    await outbox.queuePosition(id, { recorded_at: fix.at, lat: fix.lat, lon: fix.lon,
                                     accuracy: fix.accuracy }, csrfToken());
  }
  followUp();
  await sendNow();
  return id;
}

/** Attach a message to an SOS not sent yet; false once the server has it. */
export const addMessage = (id, text) => outbox.updateQueuedSos(id, { message: text.trim() || null });

/** "I am safe now": queued like everything else. */
export async function cancelSos(id) {
  await outbox.queueCancel(id, csrfToken());
  await sendNow();
}

let syncing = null;
/** Send what is queued now; where it fails, Background Sync (or the next start) takes over. */
export function sendNow() {
  if (!syncing) {
    syncing = outbox.flush({ refreshToken }).then((result) => {
      if (result.left) registerSync();
      return result;
    }).finally(() => {
      syncing = null;
    });
  }
  return syncing;
}

async function registerSync() {
  try {
    const registration = navigator.serviceWorker
      && await navigator.serviceWorker.getRegistration();
    if (registration && registration.sync) await registration.sync.register(outbox.SYNC_TAG);
  } catch (error) {
    // No Background Sync (Safari) or not allowed: the online event and app start replay it.
  }
}

/** My most recent case still needing help (not closed, not being cancelled), or null. */
export async function openCase() {
  const mine = (await outbox.cases()).filter(
    (item) => !item.user_id || !state.user || item.user_id === state.user.id);
  return mine.find((item) => !outbox.CLOSED.includes(item.state) && !item.cancel_queued) || null;
}

/** The case to show on the SOS screen: an open one, else one closed in the last day. */
export async function caseToShow() {
  const open = await openCase();
  if (open) return open;
  const mine = (await outbox.cases()).filter(
    (item) => !item.user_id || !state.user || item.user_id === state.user.id);
  const latest = mine[0];
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  return latest && Date.parse(latest.updated_at || latest.raised_at) > dayAgo ? latest : null;
}

let trail = null;
/** While a case is open and the app is running, add a position every few minutes. */
export async function followUp() {
  // The trail is what location consent adds to an SOS (the SOS itself always has its position).
  if (trail || !(state.user && state.user.location_consent) || !await openCase()) return;
  trail = setInterval(async () => {
    const open = state.user && state.user.location_consent && await openCase();
    if (!open) {
      clearInterval(trail);
      trail = null;
      return;
    }
    const fix = await locate(10000, 0);
    if (!fix) return;
    await outbox.queuePosition(open.uuid, { recorded_at: fix.at, lat: fix.lat, lon: fix.lon,
                                            accuracy: fix.accuracy }, csrfToken());
    sendNow();
  }, TRAIL_EVERY_MS);
}

/** On every app start: hand the worker a fresh token, replay the outbox, resume updates. */
export function startSos() {
  outbox.setToken(csrfToken()).catch(() => {});
  window.addEventListener("online", () => sendNow().catch(() => {}));
  sendNow().catch(() => {});
  followUp().catch(() => {});
}
