// Safety before a send: the confirmation states whom the alert reaches (the server's audience
// preview, by language and by channel when the preview has them); nobody at all needs a
// second, explicit confirmation that says so.
import { get } from "/js/api.js";
import { _, ngettext } from "/js/i18n.js";

function breakdown(counts, names = {}) {
  return Object.entries(counts || {}).filter(([, n]) => n)
    .map(([code, n]) => (names[code] || code) + ": " + n).join(", ");
}

/** The confirmation text for sending `alert` to `found` (an audience preview). */
export function recipientsText(found, languages, again) {
  const names = Object.fromEntries(languages.map((l) => [l.code, l.name]));
  // Not nested in the _() call: Babel's JS extractor would not see them there.
  const travelers = ngettext("{count} traveler", "{count} travelers", found.travelers || 0);
  const devices = ngettext("{count} device", "{count} devices", found.devices || 0);
  const lines = [again ? _("Send again to people who arrived in the area since?")
    : _("Send this alert now to everyone in the area?"),
  _("Recipients: {travelers}, {devices}.", { travelers, devices })];
  const byLanguage = breakdown(found.by_language, names);
  if (byLanguage) lines.push(_("By language: {list}", { list: byLanguage }));
  const byChannel = breakdown(found.by_channel);
  if (byChannel) lines.push(_("By channel: {list}", { list: byChannel }));
  return lines.join("\n");
}

/** Ask before sending; resolves true when the officer confirmed (twice for nobody). */
export async function confirmSend(alert, languages) {
  let found = {};
  try {
    found = await get("/api/staff/alerts/" + alert.id + "/audience");
  } catch (error) {
    found = {};
  }
  if (!window.confirm(recipientsText(found, languages, alert.state === "sent"))) return false;
  if (found.travelers) return true;
  return window.confirm(_("Nobody will receive this alert: it has 0 recipients. Send it anyway?"));
}
