// Dates, purposes and mission kinds in the reader's language.
import { _, languageTag } from "./i18n.js";

/** "2026-12-01" -> a localized date (no time-zone shift: the date is a calendar day). */
export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(languageTag(), { dateStyle: "medium", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(languageTag(), { dateStyle: "medium", timeStyle: "short" })
    .format(new Date(iso));
}

export function dateRange(start, end) {
  if (!end) return _("From {start}, living there", { start: formatDate(start) });
  return _("{start} to {end}", { start: formatDate(start), end: formatDate(end) });
}

export function purposes() {
  return [
    ["tourism", _("Tourism")],
    ["business", _("Business")],
    ["study", _("Study")],
    ["work", _("Work")],
    ["family", _("Visiting family")],
    ["residence", _("Living abroad")],
    ["other", _("Other")],
  ];
}

export function purposeLabel(code) {
  const found = purposes().find(([value]) => value === code);
  return found ? found[1] : code;
}

export function missionKind(kind) {
  if (kind === "consulate_general") return _("Consulate-general");
  if (kind === "consulate") return _("Consulate");
  return _("Embassy");
}

export function tripStatus(status) {
  if (status === "current") return _("Now");
  if (status === "upcoming") return _("Upcoming");
  return _("Past");
}

/** A trip's destinations in one line, all of one kind: its cities when every stay names one,
 * else its countries (a region beside a country reads as two different things). */
export function destinations(trip) {
  const cities = trip.legs.map((leg) => leg.city);
  const names = cities.every(Boolean) ? cities : trip.legs.map((leg) => leg.country_name);
  return [...new Set(names)].join(" · ");
}

/** `text` isolated from the sentence around it (Unicode FSI...PDI): staff-typed Latin text in an
 * Arabic line keeps its order, and its full stop stays at its end. For plain strings (titles,
 * aria labels); elements use <bdi>. */
export function isolate(text) {
  return "\u2068" + text + "\u2069";
}

/** "lat, lon" always left to right (LRI...PDI), whatever the language around it. */
export function coordinates(lat, lon, digits = 3) {
  return "\u2066" + lat.toFixed(digits) + ", " + lon.toFixed(digits) + "\u2069";
}
