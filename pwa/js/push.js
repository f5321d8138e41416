// Web Push on this phone: ask, subscribe with the server's VAPID key, register the device,
// keep it current (language, key rotation), unsubscribe. What the worker needs to re-subscribe
// on its own ({device_id, key, endpoint, language, user_id}) is kept in the outbox's store.
import { del, get, post } from "./api.js";
import { locale } from "./i18n.js";
import { keyBytes, outbox } from "./outbox.js";
import { state } from "./state.js";

/** The browser can do Web Push here at all. */
export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** iPhone or iPad Safari, where Web Push needs the app added to the Home Screen (iOS 16.4+). */
export function isIos() {
  const ua = navigator.userAgent;
  return /iPhone|iPad|iPod/.test(ua) || (ua.includes("Macintosh") && navigator.maxTouchPoints > 1);
}

export function isStandalone() {
  return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

/** True when the traveler must add the app to the Home Screen before alerts can be turned on. */
export const needsHomeScreen = () => isIos() && !isStandalone();

/** "granted" | "denied" | "default" | "unsupported". */
export function permission() {
  return "Notification" in window ? Notification.permission : "unsupported";
}

const pushInfo = () => outbox.getMeta("push").catch(() => null);

/** Alerts are on for this phone and this traveler. */
export async function pushEnabled() {
  const info = await pushInfo();
  return Boolean(info && info.device_id && permission() === "granted"
                 && (!state.user || info.user_id === state.user.id));
}

async function registration() {
  return navigator.serviceWorker.getRegistration().then((found) => found
    || navigator.serviceWorker.ready);
}

async function register(subscription, key) {
  const language = locale();
  const device = await post("/api/devices", { ...subscription.toJSON(), language });
  await outbox.setMeta("push", { device_id: device.id, endpoint: subscription.endpoint, key,
                                 language, user_id: state.user && state.user.id });
  return device;
}

export class PermissionError extends Error {}
/** The browser's push service (or its permission prompt) did not answer in time. */
export class PushTimeout extends Error {}

// A push service that cannot be reached leaves subscribe() pending for ever (seen over 90 s).
export const SUBSCRIBE_TIMEOUT_MS = 15 * 1000;
// Long enough to read the prompt and decide; a prompt nobody sees must not hang the switch.
export const PERMISSION_TIMEOUT_MS = 60 * 1000;

/** `promise`, or a PushTimeout after `ms`. */
function timed(promise, ms) {
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new PushTimeout()), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const subscribe = (reg, key) => timed(reg.pushManager.subscribe(
  { userVisibleOnly: true, applicationServerKey: keyBytes(key) }), SUBSCRIBE_TIMEOUT_MS);

/** Ask (only ever after a tap), subscribe, register. Rejects with PermissionError if refused. */
export async function enablePush() {
  const answer = await timed(Notification.requestPermission(), PERMISSION_TIMEOUT_MS);
  if (answer !== "granted") throw new PermissionError(answer);
  const { public_key: key } = await get("/api/push/public-key");
  const reg = await registration();
  let subscription = await reg.pushManager.getSubscription();
  const known = await pushInfo();
  if (subscription && known && known.key !== key) {
    await subscription.unsubscribe().catch(() => {});
    subscription = null;
  }
  subscription = subscription || await subscribe(reg, key);
  return register(subscription, key);
}

/**
 * Stop alerts on this phone: the server forgets the device, the browser the subscription.
 * Works offline too: a push to a subscription that is gone is refused by the push service,
 * and the server then removes the device by itself.
 */
export async function disablePush() {
  const info = await pushInfo();
  if (info && info.device_id) await del("/api/devices/" + info.device_id).catch(() => null);
  await outbox.setMeta("push", null);
  const reg = pushSupported() && await navigator.serviceWorker.getRegistration();
  const subscription = reg && await reg.pushManager.getSubscription();
  if (subscription) await subscription.unsubscribe().catch(() => {});
}

/** The app's language changed: the worker's fallbacks and my alerts follow it. */
export async function languageChanged(code) {
  await outbox.setMeta("language", code).catch(() => {});
  if (!await pushEnabled()) return;
  const reg = await registration();
  const subscription = await reg.pushManager.getSubscription();
  const info = await pushInfo();
  if (subscription) await register(subscription, info.key);
}

/**
 * On every start: the subscription still matches what the server has. A rotated VAPID key
 * or a subscription the browser dropped means subscribing again; a permission withdrawn in
 * the browser's settings means the server should stop pushing.
 */
export async function checkPush() {
  await outbox.setMeta("language", locale()).catch(() => {});
  const info = await pushInfo();
  if (!info || !state.user || !pushSupported()) return;
  if (permission() !== "granted" || info.user_id !== state.user.id) {
    await disablePush().catch(() => {});
    return;
  }
  const { public_key: key } = await get("/api/push/public-key");
  const reg = await registration();
  let subscription = await reg.pushManager.getSubscription();
  if (subscription && key === info.key && subscription.endpoint === info.endpoint) return;
  if (subscription && key !== info.key) {
    await subscription.unsubscribe().catch(() => {});
    subscription = null;
  }
  subscription = subscription || await subscribe(reg, key);
  const device = await register(subscription, key);
  if (device.id !== info.device_id) await del("/api/devices/" + info.device_id).catch(() => {});
}
