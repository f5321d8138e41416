// Starts the app: configuration, who is signed in, language, the shell's chrome, the routes.
import { get, onConnectivity } from "./api.js";
import { paintChrome, markCurrentTab } from "./chrome.js";
import { preferredLocale, setLocale } from "./i18n.js";
import { currentPath, dispatch, go, route, setFallback, start } from "./router.js";
import { state, warmOfflineCopies } from "./state.js";
import { checkPush } from "./push.js";
import { startSos } from "./sos.js";
import { registerServiceWorker } from "./sw-client.js";
import { alertView, alertsView } from "./views/alerts.js";
import { loginView, signupView } from "./views/auth.js";
import { crisisView } from "./views/crisis.js";
import { checkInboxView, forgotView, resetView } from "./views/recovery.js";
import { rollcallView } from "./views/rollcall.js";
import { settingsView } from "./views/settings.js";
import { sosView, wireSosControl } from "./views/sos.js";
import { tripView } from "./views/trip.js";
import { tripFormView } from "./views/trip-form.js";
import { tripsView } from "./views/trips.js";
import { welcomeView } from "./views/welcome.js";

// Screens not redrawn when the network comes back (they keep what is typed, or update themselves).
const FORMS = /^\/(signup|login|forgot|reset|check-inbox|settings|sos|trips\/new|trips\/\d+\/edit|crisis\/[^/?]+)(\?.*)?$/;
let servedFromCache = false;

function showConnectivity() {
  document.getElementById("offline").hidden = navigator.onLine && !servedFromCache;
}

async function loadSession() {
  try {
    state.user = await get("/api/me");
  } catch (error) {
    state.user = null;
  }
}

async function boot() {
  // Wired before anything waits on the network: an SOS must never wait for a slow connection.
  wireSosControl(document.getElementById("sos-button"), () => go("/sos"));
  try {
    state.config = await get("/api/config");
  } catch (error) {
    // First start with no network: English and no hotline until the catalog is reachable.
  }
  await loadSession();
  const supported = state.config.languages.map((lang) => lang.code);
  const wanted = (state.user && supported.includes(state.user.language) && state.user.language)
    || preferredLocale(supported, state.config.default_language);
  try {
    await setLocale(wanted);
  } catch (error) {
    // No catalog reachable: the built-in (English) strings are shown.
  }
  paintChrome();
  startSos();

  onConnectivity((reached) => {
    servedFromCache = !reached;
    showConnectivity();
  });
  window.addEventListener("offline", showConnectivity);
  window.addEventListener("online", () => {
    servedFromCache = false;
    showConnectivity();
    if (!FORMS.test(currentPath())) dispatch();
  });
  showConnectivity();

  route("/", () => go(state.user ? "/trips" : "/welcome"));
  route("/welcome", welcomeView);
  route("/signup", signupView);
  route("/login", loginView);
  route("/check-inbox", checkInboxView);
  route("/forgot", forgotView);
  route("/reset", resetView);
  route("/trips", tripsView);
  route("/trips/new", tripFormView);
  route("/trips/:id", tripView);
  route("/trips/:id/edit", tripFormView);
  route("/alerts", alertsView);
  route("/alerts/:id", alertView);
  route("/rollcalls/:id", rollcallView);
  route("/crisis/:slug", crisisView);
  route("/settings", settingsView);
  route("/sos", sosView);
  setFallback(() => go("/"));
  window.addEventListener("hashchange", markCurrentTab);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      const kind = event.data && event.data.type === "PUSH" && event.data.kind;
      const path = currentPath();
      if ((kind === "rollcall" && path === "/trips") || (kind === "alert" && path === "/alerts")) {
        dispatch();
      }
    });
  }
  await start();
  document.documentElement.dataset.ready = "true";

  registerServiceWorker((activate) => {
    const bar = document.getElementById("update");
    bar.hidden = false;
    document.getElementById("update-button").onclick = activate;
  }, warmOfflineCopies).then(() => checkPush()).catch(() => {});
}

boot();
