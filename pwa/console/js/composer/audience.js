// Whom a saved alert would reach, counted by the server (travelers, devices, by language), and
// what its SMS would cost: per language, the messages and segments (the server measures them).
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
    found.cost && found.cost.sms && found.cost.sms.messages ? smsCost(found.cost.sms, languages)
      : null,
    found.travelers ? null : h("p", { class: "notice notice-warning", id: "audience-empty" },
      _("No traveler is in this area: as it stands, nobody would receive this alert.")),
  ];
}

const encodingName = (code) => (code === "ucs2" ? _("Unicode (UCS-2)") : _("GSM 7-bit"));
const number = (n) => h("bdi", { dir: "ltr" }, String(n || 0));

/** Per language: SMS, segments each, encoding, segments in all; the totals last. */
function smsCost(cost, languages) {
  const rows = Object.entries(cost.languages || {}).map(([code, c]) => {
    const lang = languages.find((l) => l.code === code);
    return h("tr", { "data-language": code },
      h("th", { scope: "row" }, lang ? lang.name : code),
      h("td", { "data-figure": "messages" }, number(c.messages)),
      h("td", { "data-figure": "segments" }, number(c.segments)),
      h("td", {}, encodingName(c.encoding),
        c.shortened ? h("span", { class: "muted" }, " · ", _("shortened, with a link")) : null),
      h("td", { "data-figure": "total_segments" }, number(c.total_segments)));
  });
  return h("div", { class: "sms-cost", id: "audience-sms" },
    h("h3", {}, _("SMS cost")),
    h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("Language")),
        h("th", { scope: "col" }, _("SMS")), h("th", { scope: "col" }, _("Segments per SMS")),
        h("th", { scope: "col" }, _("Encoding")), h("th", { scope: "col" }, _("Segments")))),
      h("tbody", {}, rows),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, _("Total")),
        h("td", { id: "audience-sms-messages" }, number(cost.messages)), h("td", {}), h("td", {}),
        h("td", { id: "audience-sms-segments" }, number(cost.total_segments))))),
    h("p", { class: "muted" }, _("At most {max} segments per SMS.", { max: cost.max_segments })));
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
