/* Which strategy answers which request, and the strategies themselves (small, testable). */
/* exported strategyFor, networkFirst, cacheFirst, appShell */

/**
 * "network-only" | "network-first" | "shell" | "cache-first" | null (not ours: let it through).
 * API reads are network-first so a traveler sees fresh data online and the last copy offline;
 * signing in and out and the data export are never cached; the staff console is left alone.
 */
function strategyFor(method, url, mode, origin) {
  if (method !== "GET" || url.origin !== origin) return null;
  const path = url.pathname;
  // The staff console and its data are not the traveler app's: never served or kept by it.
  if (path.startsWith("/console") || path.startsWith("/api/staff/")) return null;
  if (path.startsWith("/api/")) {
    if (path.startsWith("/api/auth/") || path === "/api/me/export") return "network-only";
    return "network-first";
  }
  if (mode === "navigate") return "shell";
  return "cache-first";
}

/**
 * Fresh from the network (kept for later), else the last copy, marked as coming from the cache;
 * with no copy in the API cache, the one the shell precached (the public settings).
 */
async function networkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = (await cache.match(request)) || (await caches.match(request));
    if (!cached) throw error;
    const headers = new Headers(cached.headers);
    headers.set("X-Compatriot-From-Cache", "1");
    return new Response(cached.body, { status: cached.status, statusText: cached.statusText,
                                       headers });
  }
}

/** The precached copy, else the network. */
async function cacheFirst(request, cacheName) {
  const cached = await caches.match(request, { cacheName });
  return cached || fetch(request);
}

/** Every page of the app is the same shell: hash routes pick the screen. */
async function appShell(request, cacheName) {
  const cached = await caches.match("/", { cacheName });
  if (cached) return cached;
  return fetch(request);
}
