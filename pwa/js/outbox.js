// The outbox for the page: the same classic scripts the service worker loads with
// importScripts, imported in the same order for their side effects (see pwa/sw/outbox.js).
import "../sw/shared.js";
import "../vendor/idb.umd.js";
import "../sw/outbox-store.js";
import "../sw/outbox-cases.js";
import "../sw/outbox-queue.js";
import "../sw/outbox-device.js";
import "../sw/outbox-flush.js";
import "../sw/outbox.js";

export const outbox = self.CompatriotOutbox;
export const { API_CACHE, keyBytes, refreshToken, uuid4 } = self.CompatriotShared;
