// Starts the staff console: configuration, who is signed in, language, navigation, routes.
import { ApiError, get, post } from "/js/api.js";
import { preferredLocale, setLocale } from "/js/i18n.js";
import { currentPath, go, route, setFallback, start, dispatch } from "/js/router.js";
import { trackSession, watchActivity } from "./expiry.js";
import { markSection, paintFrame, paintSignedIn } from "./frame.js";
import { keepLanguage, loadMe, session } from "./session.js";
import { alertsView } from "./views/alerts.js";
import { composerView } from "./views/composer.js";
import { deliveryView } from "./views/delivery.js";
import { loginView } from "./views/login.js";
import { rollcallView } from "./views/rollcall.js";
import { rollcallNewView, rollcallsView } from "./views/rollcalls.js";
import { sosView } from "./views/sos.js";
import { staffView } from "./views/staff.js";
import { auditView } from "./views/audit.js";
import { eventsView } from "./views/events.js";
import { travelersView } from "./views/travelers.js";

const PUBLIC = new Set(["/login"]);

/** Every screen but sign-in needs a staff session; without one, go to sign-in. */
function guarded(view) {
  return (params) => {
    if (!session.me) return go("/login");
    return view(params);
  };
}

async function boot() {
  try {
    session.config = await get("/api/config");
  } catch (error) {
    // Keep the built-in English defaults.
  }
  const supported = session.config.languages.map((lang) => lang.code);
  try {
    await setLocale(preferredLocale(supported, session.config.default_language));
  } catch (error) {
    // No catalog: English strings.
  }
  trackSession(await loadMe());  // after the language: loadMe keeps it on the account
  watchActivity();
  paintSignedIn();

  document.getElementById("language").addEventListener("change", async (event) => {
    await setLocale(event.target.value).catch(() => {});
    await keepLanguage();
    paintFrame();
    dispatch();
  });
  document.getElementById("sign-out").addEventListener("click", async () => {
    await post("/api/staff/auth/logout").catch(() => {});
    session.me = null;
    trackSession(null);
    paintSignedIn();
    go("/login");
  });

  // A session that ended (idle, or its time is up): back to sign-in, which says so.
  window.addEventListener("unhandledrejection", (event) => {
    if (event.reason instanceof ApiError && event.reason.status === 401 && session.me) {
      event.preventDefault();
      session.me = null;
      session.expired = true;
      trackSession(null);
      paintSignedIn();
      go("/login");
    }
  });

  route("/", () => go(session.me ? "/alerts" : "/login"));
  route("/login", (params) => (session.me ? go("/alerts") : loginView(params)));
  route("/alerts", guarded(alertsView));
  route("/alerts/new", guarded(composerView));
  route("/alerts/:id", guarded(composerView));
  route("/alerts/:id/delivery", guarded(deliveryView));
  route("/alerts/:id/update", guarded((params) => composerView({ updates: params.id })));
  route("/sos", guarded(sosView));
  route("/sos/:id", guarded(sosView));
  route("/rollcalls", guarded(rollcallsView));
  route("/rollcalls/new", guarded(rollcallNewView));
  route("/rollcalls/:id", guarded(rollcallView));
  route("/events", guarded(eventsView));
  route("/travelers", guarded(travelersView));
  route("/audit", guarded(auditView));
  route("/staff", guarded(staffView));
  setFallback(() => go("/"));
  window.addEventListener("hashchange", markSection);
  if (!session.me && !PUBLIC.has(currentPath())) history.replaceState(null, "", "#/login");
  await start();
  document.documentElement.dataset.ready = "true";
}

boot();
