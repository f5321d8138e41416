// Live delivery of one alert: progress by state and a chart over time, polled without reload.
import { get, getInBackground } from "/js/api.js";
import { h } from "/js/dom.js";
import { formatDateTime, isolate } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { label, severities, stateLabel } from "../alert-fields.js";
import { drawChart, SERIES } from "../chart.js";
import { failuresPanel } from "../delivery/failures.js";
import { poll, screen } from "../session.js";

const FAST_MS = 1000;
const SLOW_MS = 5000;

function seriesLabel(key) {
  return { sent: _("Sent"), pending: _("Pending"), failed: _("Failed"),
           gone: _("Gone (device unsubscribed)"), clicked: _("Opened") }[key];
}

/** Samples survive a reload of the page within the tab. */
function loadSamples(id) {
  try {
    return JSON.parse(sessionStorage.getItem("console.delivery." + id)) || [];
  } catch (error) {
    return [];
  }
}

export async function deliveryView({ id }) {
  const show = screen();
  let alert = await get("/api/staff/alerts/" + encodeURIComponent(id)).catch(() => null);
  if (!alert) {
    show(h("section", {}, h("h1", {}, _("Alert not found"))));
    return;
  }
  const samples = loadSamples(alert.id);
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
    failures.element,
    h("section", { class: "panel" },
      h("h2", {}, _("Over time")), canvas, legend)));

  if (!shown) return undefined;

  function paint(stats) {
    const total = stats.total || 0;
    const done = total - (stats.pending || 0);
    const share = total ? Math.floor((done / total) * 100) : 0;
    percent.textContent = total ? share + " %" : _("no recipients yet");
    percent.dataset.done = String(total > 0 && done === total);
    bar.setAttribute("aria-label", _("{done} of {total} handled", { done, total }));
    bar.replaceChildren(...["sent", "failed", "gone", "pending"].map((key) => {
      const segment = h("span", { class: "segment segment-" + key, title: seriesLabel(key) });
      segment.style.inlineSize = (total ? (stats[key] / total) * 100 : 0) + "%";
      return segment;
    }));
    counts.replaceChildren(...["total", "pending", "sent", "failed", "gone", "clicked"].flatMap((key) => [
      h("dt", {}, key === "total" ? _("Recipients") : seriesLabel(key)),
      h("dd", { "data-count": key }, String(stats[key] || 0))]));
    failures.paint(stats.failures);
    drawChart(canvas, samples, { secondsLabel: _("s") });
  }

  let interval = FAST_MS;
  const stop = poll(async () => {
    const stats = await getInBackground("/api/staff/alerts/" + alert.id + "/deliveries");
    samples.push({ t: Date.now(), ...stats });
    if (samples.length > 600) samples.splice(0, samples.length - 600);
    sessionStorage.setItem("console.delivery." + alert.id, JSON.stringify(samples));
    if (alert.state === "sending" || stats.pending > 0) {
      alert = await getInBackground("/api/staff/alerts/" + alert.id);
      stateEl.className = "badge state-" + alert.state;
      stateEl.textContent = stateLabel(alert.state);
    }
    interval = alert.state === "sending" || stats.pending > 0 ? FAST_MS : SLOW_MS;
    paint(stats);
  }, () => interval);
  window.addEventListener("resize", () => drawChart(canvas, samples, { secondsLabel: _("s") }),
                          { once: true });
  return stop;
}

