/* What the app caches and under which names: pure data and functions, no events here. */
/* exported CACHE_PREFIX, API_CACHE, SHELL_FILES, shellCacheName, staleCaches */
/* global CompatriotShared */

const CACHE_PREFIX = "compatriot-shell-";
const API_CACHE = CompatriotShared.API_CACHE;

// The app shell: everything needed to start with no network. Keep in step with pwa/js/.
const SHELL_FILES = [
  "/",
  "/manifest.webmanifest",
  "/css/app.css",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon.png",
  "/icons/badge.png",
  "/icons/severity-extreme.png",
  "/icons/severity-severe.png",
  "/icons/severity-moderate.png",
  "/icons/severity-minor.png",
  "/icons/severity-info.png",
  "/vendor/idb.js",
  "/vendor/idb.umd.js",
  "/sw/shared.js",
  "/sw/outbox-store.js",
  "/sw/outbox-cases.js",
  "/sw/outbox-queue.js",
  "/sw/outbox-device.js",
  "/sw/outbox-flush.js",
  "/sw/outbox.js",
  "/sw/notify.js",
  "/js/app.js",
  "/js/chrome.js",
  "/js/api.js",
  "/js/dom.js",
  "/js/forms.js",
  "/js/i18n.js",
  "/js/router.js",
  "/js/state.js",
  "/js/store.js",
  "/js/sw-client.js",
  "/js/format.js",
  "/js/hold.js",
  "/js/sos.js",
  "/js/push.js",
  "/js/outbox.js",
  "/js/views/welcome.js",
  "/js/views/auth.js",
  "/js/views/trips.js",
  "/js/views/trip-form.js",
  "/js/views/trip.js",
  "/js/views/alerts.js",
  "/js/views/settings.js",
  "/js/views/sos.js",
  "/js/views/push-prompt.js",
  "/js/views/rollcall.js",
];

function shellCacheName(version) {
  return CACHE_PREFIX + version;
}

/** The app's shell caches other than the current one: safe to delete on activate. */
function staleCaches(names, version) {
  const current = shellCacheName(version);
  return names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== current);
}
