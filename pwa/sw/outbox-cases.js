/* This phone's view of its SOS cases, so the screen can say honestly what the server has.
 * Classic-script safe; after outbox-store.js. Attaches `self.CompatriotOutboxParts.cases`.
 */
(function attach(scope) {
  "use strict";

  const CLOSED = ["resolved", "cancelled"];
  const { store } = scope.CompatriotOutboxParts;

  async function cases() {
    const all = await (await store.db()).getAll("cases");
    return all.sort((a, b) => b.raised_at.localeCompare(a.raised_at));
  }

  const getCase = async (uuid) => (await store.db()).get("cases", uuid);

  /** Merge what the server says about a case (GET or POST answer) into the local record. */
  async function applyServerCase(uuid, server) {
    const database = await store.db();
    const record = await database.get("cases", uuid);
    if (!record) return;
    const pending = await database.get("entries", "cancel:" + uuid);
    record.state = server.state;
    record.mission = server.mission || null;
    record.error = null;
    record.cancel_queued = Boolean(pending) && !CLOSED.includes(server.state);
    record.updated_at = new Date().toISOString();
    await database.put("cases", record);
    store.changed();
  }

  /** "I need help" in a roll call opened an SOS case on the server: follow it like our own. */
  async function trackCase(uuid, answer) {
    const database = await store.db();
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

  scope.CompatriotOutboxParts.cases = { CLOSED, cases, getCase, applyServerCase, trackCase,
                                        refreshCase };
}(self));
