// The audit log (admins): every staff action, newest first, searchable, read only.
import { get } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { formatDateTime } from "/js/format.js";
import { field, input } from "/js/forms.js";
import { _ } from "/js/i18n.js";
import { screen } from "../session.js";

function detailsText(details) {
  return Object.entries(details || {}).map(([k, v]) => k + "=" + (typeof v === "object"
    ? JSON.stringify(v) : v)).join(" ");
}

export async function auditView() {
  const show = screen();
  const filters = { actor: input({ id: "audit-actor" }), action: input({ id: "audit-action",
                    placeholder: "sos.*" }) };
  const tbody = h("tbody", {});
  const status = h("div", { "aria-live": "polite" });
  const more = h("button", { type: "button", class: "button", id: "audit-more", hidden: true },
    _("Older events"));
  let next = null;

  async function load(append) {
    const params = new URLSearchParams({ limit: "100" });
    for (const [key, el] of Object.entries(filters)) if (el.value.trim()) params.set(key, el.value.trim());
    if (append && next) params.set("before_id", String(next));
    try {
      const page = await get("/api/staff/audit?" + params);
      const rows = page.events.map((e) => h("tr", {},
        h("td", {}, formatDateTime(e.created_at)), h("td", {}, e.actor_label),
        h("td", { dir: "ltr" }, h("code", {}, e.action)),
        h("td", { dir: "ltr" }, [e.target_type, e.target_id].filter(Boolean).join(" ")),
        h("td", { dir: "ltr", class: "details" }, detailsText(e.details)),
        h("td", { dir: "ltr" }, e.address || "")));
      if (append) tbody.append(...rows);
      else tbody.replaceChildren(...rows);
      next = page.next_before_id;
      more.hidden = !next;
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(notice(error.message || _("Something went wrong. Please try again."), "error"));
    }
  }
  more.addEventListener("click", () => load(true));
  const form = h("form", { class: "search audit-search", role: "search", onsubmit: (event) => {
    event.preventDefault();
    load(false);
  } },
    field(_("Who (id or email)"), filters.actor),
    field(_("Action"), filters.action, { hint: _("Ending in * matches a prefix.") }),
    h("button", { type: "submit", class: "button primary" }, _("Search")));
  show(h("section", { class: "audit" }, h("h1", {}, _("Audit log")),
    h("p", { class: "hint" }, _("Read only: nothing here can be changed or deleted.")),
    form, status,
    h("table", { class: "data", id: "audit-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("Time")), h("th", { scope: "col" }, _("Who")),
        h("th", { scope: "col" }, _("Action")), h("th", { scope: "col" }, _("Target")),
        h("th", { scope: "col" }, _("Details")), h("th", { scope: "col" }, _("Address")))),
      tbody), more));
  await load(false);
}
