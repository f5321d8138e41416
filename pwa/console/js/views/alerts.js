// The mission's alerts, newest first, with their state and a way to the composer.
import { get } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { formatDateTime } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { label, severities, stateLabel } from "../alert-fields.js";
import { canAct, screen } from "../session.js";

export async function alertsView() {
  const show = screen();
  let alerts;
  try {
    alerts = await get("/api/staff/alerts?limit=100");
  } catch (error) {
    show(h("section", {}, h("h1", {}, _("Alerts")),
      notice(error.message || _("Something went wrong. Please try again."), "error")));
    return;
  }
  const rows = alerts.map((alert) => {
    const en = (alert.texts || []).find((t) => t.language === "en") || (alert.texts || [])[0] || {};
    const target = alert.sent_at || alert.state === "sending"
      ? "#/alerts/" + alert.id + "/delivery" : "#/alerts/" + alert.id;
    return h("tr", { "data-id": alert.id },
      h("td", {}, h("a", { href: "#/alerts/" + alert.id }, String(alert.id))),
      h("td", {}, h("a", { href: target }, alert.event), h("div", { class: "muted" }, en.headline || "")),
      h("td", {}, h("span", { class: "badge severity-" + alert.severity }, label(severities(), alert.severity))),
      h("td", {}, h("span", { class: "badge state-" + alert.state }, stateLabel(alert.state)),
        alert.msg_type !== "Alert" ? h("div", { class: "muted" }, alert.msg_type === "Cancel"
          ? _("Cancellation notice") : _("Update")) : null),
      h("td", { class: "reach" }, alert.reach ? _("reached {reached} of {people}", alert.reach)
        : h("span", { class: "muted" }, _("not sent"))),
      h("td", {}, formatDateTime(alert.sent_at || alert.created_at)),
      h("td", {}, formatDateTime(alert.expires)));
  });
  show(h("section", { class: "alerts" },
    h("div", { class: "title-row" },
      h("h1", {}, _("Alerts")),
      canAct() ? h("a", { class: "button primary", href: "#/alerts/new", id: "new-alert" },
        _("New alert")) : null),
    rows.length ? h("table", { class: "data", id: "alert-table" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, _("No.")), h("th", { scope: "col" }, _("Event")),
        h("th", { scope: "col" }, _("Severity")), h("th", { scope: "col" }, _("State")),
        h("th", { scope: "col" }, _("Reached")),
        h("th", { scope: "col" }, _("Sent or drafted")), h("th", { scope: "col" }, _("Expires")))),
      h("tbody", {}, rows))
      : h("p", { class: "muted" }, _("No alerts yet."))));
}
