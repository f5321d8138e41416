// Who is signed in to the console, and the public configuration.
import { get, patch } from "/js/api.js";
import { render } from "/js/dom.js";
import { locale } from "/js/i18n.js";
import { currentPath } from "/js/router.js";

export const session = {
  config: { languages: [{ code: "en", name: "English", dir: "ltr" }], default_language: "en",
            ministry_name: "" },
  me: null,  // GET /api/staff/me: {id, name, email, role, language, embassy: {id, name}, ...}
  expired: false,  // the last session ended by itself (the sign-in screen says so)
};

export async function loadMe() {
  try {
    session.me = await get("/api/staff/me");
  } catch (error) {
    session.me = null;
  }
  await keepLanguage();
  return session.me;
}

/**
 * Keep the console's language on the staff account: the server writes mission names and its
 * messages in the account's language, not in the one the request asks for.
 */
export async function keepLanguage() {
  if (!session.me || session.me.language === locale()) return;
  try {
    session.me = await patch("/api/staff/me", { language: locale() });
  } catch (error) {
    // Tried again at the next language change or sign-in; the screens still work meanwhile.
  }
}

export function canAct() {
  return !!session.me && (session.me.role === "officer" || session.me.role === "admin");
}

export function isAdmin() {
  return !!session.me && session.me.role === "admin";
}

/** Polling that stops by itself when the view it belongs to is left; call it after render(). */
export function poll(work, everyMs) {
  const hash = location.hash;
  // The screen it belongs to: once replaced (another route, or the same one painted again), stop.
  const owner = document.getElementById("view").firstElementChild;
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (location.hash !== hash || !owner || !owner.isConnected) {
      stopped = true;
      return;
    }
    try {
      await work();
    } catch (error) {
      // A failed poll is retried at the next tick; an ended session goes to sign-in.
      if (error && error.status === 401) Promise.reject(error);
    }
    const delay = typeof everyMs === "function" ? everyMs() : everyMs;
    if (!stopped && location.hash === hash) timer = setTimeout(tick, delay);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

/**
 * A render for the screen being opened now: it does nothing (and says false) once another
 * route was opened meanwhile, so a slow answer never paints over the screen shown after it.
 */
export function screen() {
  const path = currentPath();
  return (...children) => {
    if (currentPath() !== path) return false;
    render(...children);
    return true;
  };
}
