// What the screens share: the public configuration and the signed-in traveler (or null).
import { get } from "./api.js";
import { locale } from "./i18n.js";
import { go } from "./router.js";

export const state = {
  config: { hotline: null, languages: [{ code: "en", name: "English", dir: "ltr" }],
            default_language: "en", ministry_name: "" },
  user: null,
};

/** True when someone is signed in; otherwise sends the visitor to the welcome screen. */
export function requireUser() {
  if (state.user) return true;
  go("/welcome");
  return false;
}

/** Fetch `path` again, so the service worker's offline copy follows a change made here. */
export function refreshOfflineCopy(path) {
  return get(path).catch(() => null);
}

/** Fetch what must be readable offline, so the service worker keeps a copy. */
export function warmOfflineCopies() {
  const paths = ["/api/config", "/api/i18n/" + locale() + ".json"];
  if (state.user) {
    paths.push("/api/me", "/api/trips", "/api/places/countries", "/api/alerts", "/api/rollcalls");
  }
  return Promise.all(paths.map(refreshOfflineCopy));
}
