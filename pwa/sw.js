/* The service worker only wires events; what to cache and how lives in sw/. */
importScripts("/sw/shared.js", "/sw/cache.js", "/sw/routes.js", "/vendor/idb.umd.js",
              "/sw/outbox-store.js", "/sw/outbox-cases.js", "/sw/outbox-queue.js",
              "/sw/outbox-device.js", "/sw/outbox-flush.js", "/sw/outbox.js", "/sw/notify.js");

// Stamped by the server (server/web/shell.py) from one walk of the app's files: a digest of
// them, and the list of them (the app shell, everything needed to start with no network).
const VERSION = "dev";
const SHELL_FILES = [];
const SHELL_CACHE = shellCacheName(VERSION);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // Bypass the HTTP cache so a new version never precaches an old file.
    await cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: "reload" })));
    // The public settings (languages, the consular hotline) for a start with no network: the
    // page fetched them before this worker controlled it, so nothing kept them; and a
    // sign-out empties the API cache. Kept with the shell, best effort, and never holding the
    // install up for long: a slow server must not keep this worker from taking over.
    await keepConfig(cache).catch(() => {});
  })());
});

async function keepConfig(cache) {
  const request = new Request("/api/config", { cache: "reload", signal: AbortSignal.timeout(5000) });
  const response = await fetch(request);
  if (response.ok) await cache.put("/api/config", response);
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const stale = staleCaches(await caches.keys(), VERSION);
    await Promise.all(stale.map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// The page asks for the waiting version to take over once the traveler accepts the update.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") event.waitUntil(self.skipWaiting());
  if (data.type === "VERSION" && event.ports[0]) event.ports[0].postMessage(VERSION);
});

// Queued writes (pwa/sw/outbox.js: SOS, roll-call answers, clicks): replayed when the network
// is back, even with the app closed. A rejection asks the browser to try again later; entries
// kept for a 4xx do not.
self.addEventListener("sync", (event) => {
  if (event.tag !== CompatriotOutbox.SYNC_TAG) return;
  const flushing = CompatriotOutbox.flush({ refreshToken: CompatriotShared.refreshToken });
  event.waitUntil(flushing.then((result) => {
    if (result.offline) throw new Error("outbox: network still unreachable");
  }));
});

// Web Push (pwa/sw/notify.js): alerts, roll calls, "your SOS was received".
self.addEventListener("push", (event) => {
  event.waitUntil(CompatriotNotify.onPush(event.data));
});

// A tap on a notification or on one of its buttons ("I am safe" answers without opening the app).
self.addEventListener("notificationclick", (event) => {
  // Started before waitUntil: a constructed event (the tests) refuses waitUntil.
  const work = CompatriotNotify.onClick(event.notification, event.action, flushOutbox);
  try {
    event.waitUntil(work);
  } catch (error) {
    work.catch(() => {});
  }
});

// The push service replaced the subscription: register the new one (queued if offline).
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(CompatriotNotify.resubscribe(event.oldSubscription, event.newSubscription,
                                               flushOutbox));
});

/** Send what the outbox holds; when the network is down, Background Sync tries again. */
async function flushOutbox() {
  const result = await CompatriotOutbox.flush({ refreshToken: CompatriotShared.refreshToken });
  if (result.left && self.registration.sync) {
    await self.registration.sync.register(CompatriotOutbox.SYNC_TAG).catch(() => {});
  }
  return result;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const strategy = strategyFor(request.method, new URL(request.url), request.mode,
                               self.location.origin);
  if (strategy === "network-first") {
    event.respondWith(networkFirst(request, API_CACHE));
  } else if (strategy === "shell") {
    event.respondWith(appShell(request, SHELL_CACHE));
  } else if (strategy === "cache-first") {
    event.respondWith(cacheFirst(request, SHELL_CACHE));
  }
});
