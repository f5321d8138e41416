// The call list: the people no channel reached (name, phone to call, language), on screen, and
// the whole list as CSV for the call centre.
import { getInBackground } from "/js/api.js";
import { h, telLink } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { session } from "../session.js";

const SHOWN = 200;  // on screen; the CSV has everyone

function languageName(code) {
  const found = session.config.languages.find((lang) => lang.code === code);
  return found ? found.name : code || "";
}

/** What the list depends on: reading it again is worth it only when this changes. */
export function reachKey(stats) {
  return ["total", "sent", "delivered", "failed", "expired", "gone"]
    .map((key) => stats[key] || 0).join("/");
}

/** `url`: the JSON list (`url + ".csv"`: the CSV). `refresh()` reads it again; `waiting()`
 * says it follows once every delivery is handled (while sending, nearly everyone is in it). */
export function unreachedPanel(url) {
  const body = h("tbody", { id: "unreached-rows" });
  const summary = h("p", { id: "unreached-summary" });
  const table = h("table", { class: "data", id: "unreached-table" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("Name")),
      h("th", { scope: "col" }, _("Phone")), h("th", { scope: "col" }, _("Language")))),
    body);
  const element = h("section", { class: "panel", id: "unreached" },
    h("div", { class: "title-row" }, h("h2", {}, _("Not reached by any channel")),
      h("a", { class: "button", id: "unreached-csv", href: url + ".csv", download: "" },
        _("Call list (CSV)"))),
    summary, table);

  async function refresh() {
    const people = await getInBackground(url);
    table.hidden = people.length === 0;
    summary.textContent = people.length === 0 ? _("Every recipient was reached by a channel.")
      : _("People to call: {count}", { count: people.length })
        + (people.length > SHOWN ? " · " + _("the first {shown} are shown; the CSV has everyone.",
                                             { shown: SHOWN }) : "");
    body.replaceChildren(...people.slice(0, SHOWN).map((p) => h("tr", { "data-user": p.user_id },
      h("td", {}, h("bdi", { dir: "auto" }, p.name || "")),
      h("td", {}, p.phone ? telLink(p.phone, p.phone) : _("no phone number")),
      h("td", {}, languageName(p.language)))));
  }
  function waiting() {
    table.hidden = true;
    summary.textContent = _("The call list follows once every delivery is handled.");
  }
  return { element, refresh, waiting };
}
