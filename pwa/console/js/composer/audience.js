// Whom a saved alert would reach, counted by the server (travelers, devices, by language).
import { get } from "/js/api.js";
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";

function counts(found, languages) {
  const byLanguage = Object.entries(found.by_language || {}).map(([code, n]) => {
    const lang = languages.find((l) => l.code === code);
    return h("li", {}, (lang ? lang.name : code) + ": " + n);
  });
  return [
    h("p", { class: "audience-count" },
      h("strong", { id: "audience-travelers" }, String(found.travelers || 0)), " ",
      _("travelers"), " · ", h("strong", { id: "audience-devices" }, String(found.devices || 0)),
      " ", _("devices")),
    byLanguage.length ? h("ul", { class: "by-language" }, byLanguage) : null,
    found.travelers ? null : h("p", { class: "notice notice-warning", id: "audience-empty" },
      _("No traveler is in this area: as it stands, nobody would receive this alert.")),
  ];
}

/** The audience panel: `count(alertId)` asks the server (only the latest answer is shown). */
export function audiencePanel(languages) {
  const element = h("div", { class: "audience", id: "audience", "aria-live": "polite" });
  const say = (text) => element.replaceChildren(h("p", { class: "muted" }, text));
  let run = 0;

  async function count(alertId) {
    if (!alertId) {
      say(_("Save the draft to count who it would reach."));
      return;
    }
    const mine = ++run;
    element.setAttribute("aria-busy", "true");
    try {
      const found = await get("/api/staff/alerts/" + alertId + "/audience");
      if (mine === run) element.replaceChildren(...counts(found, languages).filter(Boolean));
    } catch (error) {
      say(_("The audience could not be counted."));
    } finally {
      element.removeAttribute("aria-busy");
    }
  }
  return { element, count, say };
}
