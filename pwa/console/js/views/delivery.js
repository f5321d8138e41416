// Live delivery of one alert: progress by state and per channel, why deliveries failed, who no
// channel reached (the call list), and a chart over time drawn from the stored delivery times
// (the same whenever the view is opened), polled without reload.
import { get, getInBackground } from "/js/api.js";
import { h } from "/js/dom.js";
import { formatDateTime, isolate } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { label, severities, stateLabel } from "../alert-fields.js";
import { drawChart, SERIES } from "../chart.js";
import { channelsPanel } from "../delivery/channels.js";
import { failuresPanel } from "../delivery/failures.js";
import { reachKey, unreachedPanel } from "../delivery/unreached.js";
import { poll, screen } from "../session.js";

const FAST_MS = 1000;
const SLOW_MS = 5000;

function seriesLabel(key) {
  return { sent: _("Sent"), delivered: _("Delivered"), pending: _("Pending"),
           failed: _("Failed"), expired: _("Expired"), gone: _("Gone (device unsubscribed)"),
           clicked: _("Opened") }[key];
}

/** The server's cumulative series as chart samples, the y axis up to the recipients. */
function samplesOf(stats) {
  const points = (stats.series && stats.series.points) || [];
  return points.map((p) => ({ t: Date.parse(p.at), sent: p.sent, clicked: p.clicked,
                              total: stats.total || 0 }));
}

export async function deliveryView({ id }) {
  const show = screen();
  let alert = await get("/api/staff/alerts/" + encodeURIComponent(id)).catch(() => null);
  if (!alert) {
    show(h("section", {}, h("h1", {}, _("Alert not found"))));
    return;
  }
  let samples = [];
  const bar = h("div", { class: "progress", id: "progress", role: "img" });
  const percent = h("strong", { id: "progress-percent" }, "0 %");
  const counts = h("dl", { class: "counts", id: "delivery-counts" });
  const canvas = h("canvas", { class: "chart", id: "delivery-chart", width: 800, height: 240,
                               role: "img", "aria-label": _("Delivery over time") });
  const stateEl = h("span", { class: "badge state-" + alert.state, id: "alert-state" },
                    stateLabel(alert.state));
  const legend = h("ul", { class: "legend" }, SERIES.map(({ key, color }) =>
    h("li", { "data-series": key }, h("span", { class: "swatch swatch-" + key }), seriesLabel(key))));
  const failures = failuresPanel();
  const channels = channelsPanel();
  const unreached = unreachedPanel("/api/staff/alerts/" + alert.id + "/unreached");
  const en = (alert.texts || []).find((t) => t.language === "en") || {};
  const shown = show(h("section", { class: "delivery" },
    h("div", { class: "title-row" },
      h("h1", {}, _("Delivery of alert {id}: {event}", { id: alert.id, event: isolate(alert.event) })),
      h("a", { class: "button", href: "#/alerts/" + alert.id }, _("Open the alert"))),
    h("p", {}, en.headline || "", " · ",
      h("span", { class: "badge severity-" + alert.severity }, label(severities(), alert.severity)),
      " · ", stateEl, alert.sent_at ? " · " + _("sent {time}", { time: formatDateTime(alert.sent_at) }) : ""),
    h("section", { class: "panel" },
      h("h2", {}, _("Progress"), " ", percent),
      bar, counts),
    channels.element,
    failures.element,
    h("section", { class: "panel" },
      h("h2", {}, _("Over time")), canvas, legend),
    unreached.element));

  if (!shown) return undefined;

  function paint(stats) {
    const total = stats.total || 0;
    const done = total - (stats.pending || 0);
    const share = total ? Math.floor((done / total) * 100) : 0;
    percent.textContent = total ? share + " %" : _("no recipients yet");
    percent.dataset.done = String(total > 0 && done === total);
    bar.setAttribute("aria-label", _("{done} of {total} handled", { done, total }));
    bar.replaceChildren(...["delivered", "sent", "failed", "expired", "gone", "pending"]
      .map((key) => {
      const segment = h("span", { class: "segment segment-" + key, title: seriesLabel(key) });
      segment.style.inlineSize = (total ? (stats[key] / total) * 100 : 0) + "%";
      return segment;
    }));
    counts.replaceChildren(...["total", "pending", "sent", "delivered", "failed", "expired", "gone",
                                "clicked"].flatMap((key) => [
      h("dt", {}, key === "total" ? _("Recipients") : seriesLabel(key)),
      h("dd", { "data-count": key }, String(stats[key] || 0))]));
    channels.paint(stats.by_channel);
    failures.paint(stats.failures);
    samples = samplesOf(stats);
    drawChart(canvas, samples);
  }

  let interval = FAST_MS;
  let handled = null;  // the call list is read once all is handled (and when that changes)
  const stop = poll(async () => {
    const stats = await getInBackground("/api/staff/alerts/" + alert.id + "/deliveries");
    if (stats.pending > 0) {
      handled = null;
      unreached.waiting();
    } else if (reachKey(stats) !== handled) {  // done, or reports changed who was reached
      handled = reachKey(stats);
      unreached.refresh().catch(() => { handled = null; });  // tried again at the next poll
    }
    if (alert.state === "sending" || stats.pending > 0) {
      alert = await getInBackground("/api/staff/alerts/" + alert.id);
      stateEl.className = "badge state-" + alert.state;
      stateEl.textContent = stateLabel(alert.state);
    }
    interval = alert.state === "sending" || stats.pending > 0 ? FAST_MS : SLOW_MS;
    paint(stats);
  }, () => interval);
  window.addEventListener("resize", () => drawChart(canvas, samples), { once: true });
  return stop;
}

