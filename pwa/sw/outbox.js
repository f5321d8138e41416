/* The outbox, shared by the page (pwa/js/outbox.js imports the parts in order) and the service
 * worker (importScripts, in the same order: shared.js, vendor/idb.umd.js, outbox-store.js,
 * outbox-cases.js, outbox-queue.js, outbox-device.js, outbox-flush.js, then this file).
 * Classic-script safe: it gathers the parts' public functions into `self.CompatriotOutbox`.
 *
 * Every write the server must get (an SOS, a position, "I am safe now", a roll-call answer, a
 * notification click, a push subscription made by the worker) is an entry stored here before
 * any network call, and deleted only once the server answered 2xx. `cases` is this phone's view
 * of its SOS cases, so the screen can say honestly what the server has.
 */
(function attach(scope) {
  "use strict";

  const { store, cases, queue, device, flush } = scope.CompatriotOutboxParts;

  scope.CompatriotOutbox = {
    SYNC_TAG: "sos-outbox", CLOSED: cases.CLOSED,
    onChange: store.onChange, setToken: store.setToken, getMeta: store.getMeta,
    setMeta: store.setMeta, entries: store.entries,
    cases: cases.cases, getCase: cases.getCase, applyServerCase: cases.applyServerCase,
    refreshCase: cases.refreshCase,
    queueSos: queue.queueSos, updateQueuedSos: queue.updateQueuedSos,
    queuePosition: queue.queuePosition, queueCancel: queue.queueCancel,
    queueRollcallAnswer: queue.queueRollcallAnswer, queueClick: queue.queueClick,
    rollcallAnswered: queue.rollcallAnswered,
    queueDevice: device.queueDevice,
    flush: flush.flush,
  };
}(self));
