/* What the page and the service worker both need, defined once: the API cache's name, UUIDs,
 * VAPID key bytes and the CSRF token refresh. Classic-script safe (importScripts in the worker,
 * a side-effect import in the page): it attaches `self.CompatriotShared`.
 */
(function attach(scope) {
  "use strict";

  // API answers outlive shell versions: an update must not erase what a traveler reads offline.
  const API_CACHE = "compatriot-api";
  const CSRF_COOKIE = "csrf_token";

  /** A random (version 4) UUID, also where crypto.randomUUID is missing (older Safari). */
  function uuid4() {
    if (scope.crypto.randomUUID) return scope.crypto.randomUUID();
    const bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  /** A VAPID public key in base64url -> the bytes PushManager.subscribe wants. */
  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/")
      + "=".repeat((4 - (base64url.length % 4)) % 4);
    return Uint8Array.from(scope.atob(base64), (c) => c.charCodeAt(0));
  }

  /** A cookie's value: from document.cookie in a page, the Cookie Store API in the worker. */
  async function readCookie(name) {
    if (scope.document) {
      const prefix = name + "=";
      const found = scope.document.cookie.split("; ").find((part) => part.startsWith(prefix));
      return found ? decodeURIComponent(found.slice(prefix.length)) : null;
    }
    if (!scope.cookieStore) return null;
    const cookie = await scope.cookieStore.get(name);
    return cookie ? decodeURIComponent(cookie.value) : null;
  }

  /** A fresh CSRF token (or null where it cannot be read): GET /api/config sets the cookie. */
  async function refreshToken() {
    await scope.fetch("/api/config", { credentials: "same-origin", cache: "no-store" });
    return readCookie(CSRF_COOKIE);
  }

  scope.CompatriotShared = { API_CACHE, CSRF_COOKIE, uuid4, keyBytes, refreshToken };
}(self));
