/* The SOS outbox in IndexedDB, shared by the page (ES module import, for its side effect) and the
 * service worker (importScripts). Classic-script safe: no import/export; it attaches
 * `self.CompatriotOutbox`. Needs `self.idb` (pwa/vendor/idb.umd.js) loaded first.
 *
 * Every write the server must get (an SOS, a position, "I am safe now", a roll-call answer, a
 * notification click, a push subscription made by the worker) is an entry stored here before
 * any network call, and deleted only once the server answered 2xx. `cases` is this phone's view
 * of its SOS cases, so the screen can say honestly what the server has.
 */
/* global idb */
(function attach(scope) {
  "use strict";

  const DB_NAME = "compatriot-outbox";
  const SYNC_TAG = "sos-outbox";
  const CLOSED = ["resolved", "cancelled"];
  const ORDER = { sos: 0, "rollcall-answer": 1, position: 2, cancel: 3, device: 4,
                  "device-delete": 5, click: 6 };
  // Not about an SOS case: sent on their own, and a 404 means "not for me" (dropped).
  const STANDALONE = ["rollcall-answer", "device", "device-delete", "click"];
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

  /** Queue an SOS and its local case record in one transaction. `sos` has the API's fields. */
  async function queueSos(sos, extra) {
    const { token, language, userId, holdUntil } = extra || {};
    const database = await db();
    const tx = database.transaction(["entries", "cases"], "readwrite");
    const now = new Date().toISOString();
    tx.objectStore("entries").put({
      key: "sos:" + sos.client_uuid, kind: "sos", case: sos.client_uuid, created_at: now,
      url: "/api/sos", body: sos, csrf: token || null, language: language || "en",
      not_before: holdUntil || 0, attempts: 0, error: null,
    });
    tx.objectStore("cases").put({
      uuid: sos.client_uuid, user_id: userId || null, raised_at: sos.raised_at,
      message: sos.message || null, lat: sos.lat, lon: sos.lon, accuracy: sos.accuracy,
      trip_id: sos.trip_id, state: "queued", mission: null, cancel_queued: false, error: null,
      updated_at: now,
    });
    await tx.done;
    changed();
  }

  /** Change a still-queued SOS (its position arrived, a message was added). False if sent. */
  async function updateQueuedSos(uuid, fields) {
    const database = await db();
    const tx = database.transaction(["entries", "cases"], "readwrite");
    const entry = await tx.objectStore("entries").get("sos:" + uuid);
    const record = await tx.objectStore("cases").get(uuid);
    if (entry) {
      const { not_before: notBefore, ...body } = fields;
      Object.assign(entry.body, body);
      if (notBefore !== undefined) entry.not_before = notBefore;
      tx.objectStore("entries").put(entry);
      if (record) {
        Object.assign(record, body);
        tx.objectStore("cases").put(record);
      }
    }
    await tx.done;
    if (entry) changed();
    return Boolean(entry);
  }

  async function queueFollowUp(kind, uuid, url, body, token) {
    const database = await db();
    const tx = database.transaction(["entries", "cases"], "readwrite");
    const suffix = kind === "position" ? ":" + body.recorded_at : "";
    tx.objectStore("entries").put({
      key: kind + ":" + uuid + suffix, kind, case: uuid, created_at: new Date().toISOString(),
      url, body, csrf: token || null, not_before: 0, attempts: 0, error: null,
    });
    if (kind === "cancel") {
      const record = await tx.objectStore("cases").get(uuid);
      if (record) tx.objectStore("cases").put({ ...record, cancel_queued: true });
    }
    await tx.done;
    changed();
  }

  /** A point of the trail of an open case, keyed by case and recorded_at (replays are safe). */
  const queuePosition = (uuid, position, token) => queueFollowUp(
    "position", uuid, "/api/sos/" + uuid + "/positions", position, token);

  /** "I am safe now". */
  const queueCancel = (uuid, token) => queueFollowUp(
    "cancel", uuid, "/api/sos/" + uuid + "/cancel", undefined, token);

  /** A write that is not about an SOS case; the same key twice is one entry (a double tap). */
  async function queueRequest(kind, key, url, body, extra) {
    const { token, language, ...more } = extra || {};
    await (await db()).put("entries", {
      key: kind + ":" + key, kind, case: null, created_at: new Date().toISOString(), url, body,
      csrf: token || null, language: language || null, not_before: 0, attempts: 0, error: null,
      ...more,
    });
    changed();
  }

  /** A roll-call answer ({answer, answered_at, client_uuid, ...} as the API takes it). */
  const queueRollcallAnswer = (rollcallId, answer, extra) => queueRequest(
    "rollcall-answer", answer.client_uuid, "/api/rollcalls/" + rollcallId + "/answer", answer,
    { ...extra, rollcall_id: rollcallId });

  /** "The traveler opened this alert from its notification" (the first click counts). */
  const queueClick = (alertId, extra) => queueRequest(
    "click", String(alertId), "/api/alerts/" + alertId + "/click", undefined, extra);

  /** A push subscription to register (the worker re-subscribed on its own). */
  const queueDevice = (subscription, extra) => queueRequest(
    "device", "current", "/api/devices", subscription, extra);

  /** What the server last said about my answer to a roll call (the in-app prompt shows it). */
  const rollcallAnswered = (rollcallId) => getMeta("rollcall:" + rollcallId);

  async function entries() {
    const all = await (await db()).getAll("entries");
    return all.sort((a, b) => (ORDER[a.kind] - ORDER[b.kind])
      || a.created_at.localeCompare(b.created_at));
  }

  async function cases() {
    const all = await (await db()).getAll("cases");
    return all.sort((a, b) => b.raised_at.localeCompare(a.raised_at));
  }

  const getCase = async (uuid) => (await db()).get("cases", uuid);

  /** Merge what the server says about a case (GET or POST answer) into the local record. */
  async function applyServerCase(uuid, server) {
    const database = await db();
    const record = await database.get("cases", uuid);
    if (!record) return;
    const pending = await database.get("entries", "cancel:" + uuid);
    record.state = server.state;
    record.mission = server.mission || null;
    record.error = null;
    record.cancel_queued = Boolean(pending) && !CLOSED.includes(server.state);
    record.updated_at = new Date().toISOString();
    await database.put("cases", record);
    changed();
  }

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

  function isTokenError(status, body) {
    if (status === 401) return true;
    const headers = body && body.errors && body.errors.headers;
    return status === 400 && Boolean(headers && headers["X-CSRFToken"]);
  }

  async function send(entry, token, fetcher) {
    const headers = { Accept: "application/json", "X-CSRFToken": token || "" };
    if (entry.language) headers["Accept-Language"] = entry.language.replace("_", "-");
    if (entry.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetcher(entry.url, {
      method: entry.method || "POST", headers, credentials: "same-origin",
      body: entry.body === undefined ? undefined : JSON.stringify(entry.body),
    });
    const body = await response.json().catch(() => null);
    return { status: response.status, ok: response.ok, body };
  }

  /**
   * Send what is queued, oldest SOS first, follow-ups only once their SOS is on the server.
   * `refreshToken()` resolves with a fresh CSRF token or null. Resolves with
   * {sent, left, offline}: offline is true when the network failed (worth retrying later).
   * Replays are harmless (the server dedupes), so two contexts flushing at once is safe;
   * a Web Lock keeps it to one where locks exist.
   */
  function flush(options) {
    const locks = scope.navigator && scope.navigator.locks;
    if (locks) return locks.request(DB_NAME, () => flushNow(options));
    return flushNow(options);
  }

  async function flushNow({ fetcher = scope.fetch.bind(scope), refreshToken } = {}) {
    const result = { sent: 0, left: 0, offline: false };
    const waiting = new Set();
    let token = await getMeta("csrf");
    let refreshed = false;
    for (const entry of await entries()) {
      if (result.offline || entry.not_before > Date.now()
          || (entry.kind !== "sos" && waiting.has(entry.case))) {
        result.left += 1;
        if (entry.kind === "sos") waiting.add(entry.case);
        continue;
      }
      let answer;
      try {
        answer = await send(entry, token || entry.csrf, fetcher);
        if (isTokenError(answer.status, answer.body) && !refreshed && refreshToken) {
          refreshed = true;
          token = (await refreshToken().catch(() => null)) || token;
          if (token) await setToken(token);
          answer = await send(entry, token || entry.csrf, fetcher);
        }
      } catch (error) {
        result.offline = true;
        result.left += 1;
        if (entry.kind === "sos") waiting.add(entry.case);
        continue;
      }
      if (STANDALONE.includes(entry.kind)) {
        if (await settleStandalone(entry, answer)) result.sent += 1;
        else result.left += 1;
        continue;
      }
      const closed = answer.status === 409 && entry.kind !== "sos";
      if (answer.ok || closed) {
        await (await db()).delete("entries", entry.key);
        if (answer.ok && entry.kind !== "position" && answer.body) {
          await applyServerCase(entry.case, answer.body);
        } else if (closed) {
          await refreshCase(entry.case, fetcher);
        }
        result.sent += 1;
      } else {
        // Kept, never dropped: shown on the SOS screen and tried again next time.
        await markError(entry, answer.status, (answer.body && answer.body.message) || "");
        result.left += 1;
        if (entry.kind === "sos") waiting.add(entry.case);
      }
    }
    changed();
    return result;
  }

  /** After the server answered a standalone entry: true when it is done with (sent or moot). */
  async function settleStandalone(entry, answer) {
    const database = await db();
    if (!answer.ok && answer.status !== 404) {
      await markError(entry, answer.status, (answer.body && answer.body.message) || "");
      return false;
    }
    await database.delete("entries", entry.key);
    if (answer.ok && entry.kind === "rollcall-answer" && answer.body) {
      await setMeta("rollcall:" + entry.rollcall_id, answer.body);
      if (answer.body.sos_case) await trackCase(answer.body.sos_case, entry.body);
    } else if (answer.ok && entry.kind === "device" && answer.body) {
      let old;
      await updateMeta("push", (push) => {
        old = push && push.device_id;
        return { ...push, device_id: answer.body.id, endpoint: answer.body.endpoint };
      });
      if (old && old !== answer.body.id) {
        await queueRequest("device-delete", String(old), "/api/devices/" + old, undefined,
                           { method: "DELETE" });
      }
    }
    return true;
  }

  /** "I need help" in a roll call opened an SOS case on the server: follow it like our own. */
  async function trackCase(uuid, answer) {
    const database = await db();
    if (await database.get("cases", uuid)) return;
    await database.put("cases", {
      uuid, user_id: null, raised_at: answer.answered_at, message: null, lat: answer.lat || null,
      lon: answer.lon || null, accuracy: answer.accuracy || null, trip_id: null, state: "open",
      mission: null, cancel_queued: false, error: null, updated_at: new Date().toISOString(),
    });
  }

  /** Ask the server for a case's state; false when that was not possible. */
  async function refreshCase(uuid, fetcher = scope.fetch.bind(scope)) {
    try {
      const response = await fetcher("/api/sos/" + uuid, {
        headers: { Accept: "application/json" }, credentials: "same-origin" });
      // The worker's saved copy may be older than what a POST already told us.
      if (!response.ok || response.headers.get("X-Compatriot-From-Cache")) return false;
      await applyServerCase(uuid, await response.json());
      return true;
    } catch (error) {
      return false;
    }
  }

  scope.CompatriotOutbox = {
    SYNC_TAG, CLOSED, onChange, setToken, getMeta, setMeta, queueSos, updateQueuedSos,
    queuePosition, queueCancel, queueRollcallAnswer, queueClick, queueDevice, rollcallAnswered,
    entries, cases, getCase, applyServerCase, flush, refreshCase,
  };
}(self));
