// Safety alerts sent to me: the inbox and one alert.
import { get } from "../api.js";
import { h, notice, render } from "../dom.js";
import { formatDateTime } from "../format.js";
import { _ } from "../i18n.js";
import { requireUser } from "../state.js";

export function severityLabel(severity) {
  if (severity === "Extreme") return _("Extreme danger");
  if (severity === "Severe") return _("Severe");
  if (severity === "Moderate") return _("Moderate");
  if (severity === "Minor") return _("Minor");
  return _("Information");
}

/** My alerts; an empty inbox while the server has no alerts yet (404). */
async function loadAlerts() {
  try {
    return await get("/api/alerts");
  } catch (error) {
    if (error.status === 404) return [];
    throw error;
  }
}

export async function alertsView() {
  if (!requireUser()) return;
  const heading = h("h1", {}, _("Alerts"));
  let alerts;
  try {
    alerts = await loadAlerts();
  } catch (error) {
    render(heading, notice(error.offline
      ? _("You are offline and no alerts have been saved on this device yet.")
      : error.message, "error"));
    return;
  }
  if (!alerts.length) {
    render(heading, notice(_("No alerts. Safety alerts for the places you travel to will appear here.")));
    return;
  }
  render(heading, h("ul", { class: "cards" }, alerts.map((alert) => h("li", { class: "card" },
    h("a", { href: "#/alerts/" + alert.id, class: "card-link" },
      h("span", { class: "badge severity-" + String(alert.severity).toLowerCase() },
        severityLabel(alert.severity)),
      alert.cancelled ? h("span", { class: "badge badge-cancelled" }, _("Cancelled")) : null,
      h("strong", { class: "card-title" }, alert.headline),
      h("span", { class: "muted" }, formatDateTime(alert.sent_at)))))));
}

export async function alertView({ id }) {
  if (!requireUser()) return;
  let alert;
  try {
    alert = await get("/api/alerts/" + encodeURIComponent(id));
  } catch (error) {
    const saved = await loadAlerts().catch(() => []);
    alert = saved.find((item) => String(item.id) === String(id));
    if (!alert) {
      render(h("h1", {}, _("Alert")), notice(error.offline
        ? _("You are offline and this alert has not been saved on this device yet.")
        : error.message, "error"));
      return;
    }
  }
  render(h("article", { class: "alert-detail" },
    h("p", {}, h("span", { class: "badge severity-" + String(alert.severity).toLowerCase() },
      severityLabel(alert.severity)), " ", alert.event || ""),
    h("h1", {}, alert.headline),
    alert.cancelled ? notice(_("This alert was cancelled.")) : null,
    h("p", { class: "muted" }, _("Sent {time}", { time: formatDateTime(alert.sent_at) })),
    alert.description ? h("p", { class: "pre-line" }, alert.description) : null,
    alert.instruction ? [h("h2", {}, _("What to do")),
      h("p", { class: "pre-line" }, alert.instruction)] : null,
    alert.web ? h("p", {}, h("a", { href: alert.web, rel: "noopener", target: "_blank" },
      _("More information"))) : null,
    h("p", {}, h("a", { href: "#/alerts" }, _("Back to alerts")))));
}
