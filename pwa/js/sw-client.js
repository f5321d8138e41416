// Registers the service worker and runs the update flow: a waiting version is announced, and
// takes over (then the page reloads) only when the traveler accepts.

let accepted = false;

/**
 * `onUpdateReady(activate)`: a new version waits; call `activate` when the traveler accepts.
 * `onFirstControl()`: the worker has just taken control of this page for the first time,
 * so what the page fetched before it did is not yet saved for offline use.
 */
export async function registerServiceWorker(onUpdateReady, onFirstControl) {
  const hadController = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const track = (worker) => {
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) {
        onUpdateReady(() => activate(worker));
      }
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) {
    onUpdateReady(() => activate(registration.waiting));
  }
  track(registration.installing);
  registration.addEventListener("updatefound", () => track(registration.installing));
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install also changes the controller (clients.claim): reload only on an update.
    if (accepted) location.reload();
    else if (!hadController) onFirstControl();
  });
  window.addEventListener("online", () => registration.update().catch(() => {}));
  return registration;
}

function activate(worker) {
  accepted = true;
  worker.postMessage({ type: "SKIP_WAITING" });
}
