/* The outbox's IndexedDB store (entries to send, this phone's SOS cases, meta records) and its
 * change notices, here and in other contexts. Classic-script safe; needs `self.idb`
 * (pwa/vendor/idb.umd.js). Attaches `self.CompatriotOutboxParts.store`.
 */
(function attach(scope) {
  "use strict";

  const DB_NAME = "compatriot-outbox";
  const ORDER = { sos: 0, "rollcall-answer": 1, position: 2, cancel: 3, device: 4,
                  "device-delete": 5, click: 6 };
  let dbPromise = null;
  const listeners = new Set();
  const channel = "BroadcastChannel" in scope ? new scope.BroadcastChannel(DB_NAME) : null;
  if (channel) channel.onmessage = () => listeners.forEach((listener) => listener());

  function db() {
    if (!dbPromise) {
      dbPromise = scope.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          database.createObjectStore("entries", { keyPath: "key" });
          database.createObjectStore("cases", { keyPath: "uuid" });
          database.createObjectStore("meta");
        },
      });
    }
    return dbPromise;
  }

  /** Call `listener` whenever the outbox or a case changes, here or in another context. */
  function onChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function changed() {
    listeners.forEach((listener) => listener());
    if (channel) channel.postMessage("changed");
  }

  async function setMeta(key, value) {
    return (await db()).put("meta", value, key);
  }

  async function getMeta(key) {
    return (await db()).get("meta", key);
  }

  /**
   * Read, change and write one meta record in a single transaction: the page and the service
   * worker both write "push", and a read followed by a separate write could put back what the
   * other had just replaced (e.g. an old VAPID key after a re-subscription).
   */
  async function updateMeta(key, change) {
    const transaction = (await db()).transaction("meta", "readwrite");
    const value = change(await transaction.store.get(key));
    await Promise.all([transaction.store.put(value, key), transaction.done]);
    return value;
  }

  /** The CSRF token the service worker sends (it cannot read cookies); the page refreshes it. */
  const setToken = (token) => (token ? setMeta("csrf", token) : Promise.resolve());

  /** What is queued, in sending order: SOS first, then answers, trail points, cancels... */
  async function entries() {
    const all = await (await db()).getAll("entries");
    return all.sort((a, b) => (ORDER[a.kind] - ORDER[b.kind])
      || a.created_at.localeCompare(b.created_at));
  }

  /** A failed send, kept with its error (an SOS's case shows it too). */
  async function markError(entry, status, message) {
    const database = await db();
    entry.attempts += 1;
    entry.error = { status, message };
    await database.put("entries", entry);
    if (entry.kind === "sos") {
      const record = await database.get("cases", entry.case);
      if (record) await database.put("cases", { ...record, error: entry.error });
    }
  }

  const parts = scope.CompatriotOutboxParts || (scope.CompatriotOutboxParts = {});
  parts.store = { DB_NAME, db, onChange, changed, setMeta, getMeta, updateMeta, setToken,
                  entries, markError };
}(self));
