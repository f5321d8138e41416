// UI strings come from the Babel catalogs (locales/), served as JSON per language.
// Every literal is wrapped in _("...") so `make translations` extracts it.

let messages = {};
let plurals = {};
let pluralIndex = [];
let current = { locale: "en", dir: "ltr" };

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (match, key) => (key in params ? String(params[key]) : match));
}

/** The translation of `message` in the current language, with {name} placeholders filled. */
export function _(message, params) {
  return fill(messages[message] || message, params);
}

/** The form of a plural message for the count `n` ({count} is filled with it). */
export function ngettext(singular, plural, n, params) {
  const forms = plurals[singular];
  const count = Math.abs(Math.trunc(n));
  const index = pluralIndex.length
    ? pluralIndex[count < pluralIndex.length ? count : 100 + (count % 100)]
    : Number(n !== 1);
  const text = (forms && forms[index]) || (n === 1 ? singular : plural);
  return fill(text, { count: String(n), ...params });
}

/** Mark a string for extraction where it is translated later. */
export function N_(message) {
  return message;
}

export function locale() {
  return current.locale;
}

/** The BCP 47 tag of a catalog locale, for Intl and Accept-Language (zh_Hant -> zh-Hant). */
export function languageTag(code = current.locale) {
  return code.replace("_", "-");
}

/** Load a language's catalog (network, else the service worker's copy) and apply it. */
export async function setLocale(code) {
  const response = await fetch("/api/i18n/" + encodeURIComponent(code) + ".json",
                               { credentials: "same-origin" });
  if (!response.ok) throw new Error("catalog " + code + ": " + response.status);
  const catalog = await response.json();
  messages = catalog.messages || {};
  plurals = catalog.plurals || {};
  pluralIndex = catalog.plural_index || [];
  current = { locale: catalog.locale, dir: catalog.dir };
  document.documentElement.lang = languageTag(catalog.locale);
  document.documentElement.dir = catalog.dir;
  localStorage.setItem("compatriot.language", catalog.locale);
  return current;
}

/** The language to start in: the one chosen before, else the browser's, else the default. */
export function preferredLocale(supported, fallback) {
  const saved = localStorage.getItem("compatriot.language");
  if (saved && supported.includes(saved)) return saved;
  for (const tag of navigator.languages || []) {
    const match = matchLocale(tag, supported);
    if (match) return match;
  }
  return fallback;
}

function matchLocale(tag, supported) {
  const lower = tag.toLowerCase();
  if (lower.startsWith("zh")) {
    const traditional = /hant|tw|hk|mo/.test(lower);
    const code = traditional ? "zh_Hant" : "zh_Hans";
    return supported.includes(code) ? code : null;
  }
  const base = lower.split("-")[0];
  return supported.includes(base) ? base : null;
}
