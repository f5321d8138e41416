/* Queuing the writes the server must get: an SOS (with its local case record), its trail
 * points and "I am safe now", roll-call answers and notification clicks. Each is stored
 * before any network call. Classic-script safe; after outbox-store.js.
 * Attaches `self.CompatriotOutboxParts.queue`.
 */
(function attach(scope) {
  "use strict";

  const { store } = scope.CompatriotOutboxParts;

  /** Queue an SOS and its local case record in one transaction. `sos` has the API's fields. */
  async function queueSos(sos, extra) {
    const { token, language, userId, holdUntil } = extra || {};
    const tx = (await store.db()).transaction(["entries", "cases"], "readwrite");
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
    store.changed();
  }

  /** Change a still-queued SOS (its position arrived, a message was added). False if sent. */
  async function updateQueuedSos(uuid, fields) {
    const tx = (await store.db()).transaction(["entries", "cases"], "readwrite");
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
    if (entry) store.changed();
    return Boolean(entry);
  }

  async function queueFollowUp(kind, uuid, url, body, token) {
    const tx = (await store.db()).transaction(["entries", "cases"], "readwrite");
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
    store.changed();
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
    await (await store.db()).put("entries", {
      key: kind + ":" + key, kind, case: null, created_at: new Date().toISOString(), url, body,
      csrf: token || null, language: language || null, not_before: 0, attempts: 0, error: null,
      ...more,
    });
    store.changed();
  }

  /** A roll-call answer ({answer, answered_at, client_uuid, ...} as the API takes it). */
  const queueRollcallAnswer = (rollcallId, answer, extra) => queueRequest(
    "rollcall-answer", answer.client_uuid, "/api/rollcalls/" + rollcallId + "/answer", answer,
    { ...extra, rollcall_id: rollcallId });

  /** "The traveler opened this alert from its notification" (the first click counts). */
  const queueClick = (alertId, extra) => queueRequest(
    "click", String(alertId), "/api/alerts/" + alertId + "/click", undefined, extra);

  /** What the server last said about my answer to a roll call (the in-app prompt shows it). */
  const rollcallAnswered = (rollcallId) => store.getMeta("rollcall:" + rollcallId);

  /** A roll-call answer the server took: remember its reply, follow an SOS it opened. */
  async function answerTaken(entry, reply) {
    await store.setMeta("rollcall:" + entry.rollcall_id, reply);
    if (reply.sos_case) await scope.CompatriotOutboxParts.cases.trackCase(reply.sos_case, entry.body);
  }

  scope.CompatriotOutboxParts.queue = {
    queueSos, updateQueuedSos, queuePosition, queueCancel, queueRequest, queueRollcallAnswer,
    queueClick, rollcallAnswered, answerTaken,
  };
}(self));
