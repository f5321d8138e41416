/* This phone's push device record ("push" in the outbox's meta store) as the worker keeps it
 * when it re-subscribes on its own: the registration is queued, and once the server answered,
 * the record follows and the device it replaced is deleted. Classic-script safe; after
 * outbox-queue.js. Attaches `self.CompatriotOutboxParts.device`.
 */
(function attach(scope) {
  "use strict";

  const { store, queue } = scope.CompatriotOutboxParts;

  /** A push subscription to register (the worker re-subscribed on its own). */
  const queueDevice = (subscription, extra) => queue.queueRequest(
    "device", "current", "/api/devices", subscription, extra);

  /** The server registered the device: keep its id, and forget the one it replaced. */
  async function registered(device) {
    let old;
    await store.updateMeta("push", (push) => {
      old = push && push.device_id;
      return { ...push, device_id: device.id, endpoint: device.endpoint };
    });
    if (old && old !== device.id) {
      await queue.queueRequest("device-delete", String(old), "/api/devices/" + old, undefined,
                               { method: "DELETE" });
    }
  }

  scope.CompatriotOutboxParts.device = { queueDevice, registered };
}(self));
