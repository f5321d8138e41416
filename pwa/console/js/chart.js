// A small line chart of counts over time, drawn on a <canvas> (no chart library): delivery of
// an alert by default; other screens pass their own series and tick labels.

import { _ } from "/js/i18n.js";

// An alert's delivery: handed to a channel, and opened (times the server keeps).
export const SERIES = [
  { key: "sent", color: "#1a7f37" },
  { key: "clicked", color: "#0b3d91" },
];

// Tick steps of the time axis (ms): the smallest that gives at most MAX_TICKS intervals.
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
  21600, 43200, 86400].map((s) => s * 1000);
const MAX_TICKS = 6;

/** Ticks of a time span: every `step` ms from 0 to at least `span`, the step chosen from the
 * span (never below `minStep`), so no two labels can read the same. */
export function timeTicks(span, minStep = 1000) {
  const step = TIME_STEPS.find((s) => s >= minStep && span / s <= MAX_TICKS)
    || Math.max(minStep, Math.ceil(span / MAX_TICKS / 86400000) * 86400000);
  const ticks = [];
  for (let t = 0; t <= span; t += step) ticks.push(t);
  return { step, ticks };
}

/** An elapsed time in the unit the step is counted in: "30 s", "15 min", "2 h". */
export function elapsedLabel(ms, step) {
  if (step < 60000) return _("{n} s", { n: Math.round(ms / 1000) });
  if (step < 3600000) return _("{n} min", { n: Math.round(ms / 60000) });
  return _("{n} h", { n: Math.round(ms / 3600000) });
}

/** Whole-number ticks of the count axis, up to `top`, at most 5 lines (no value twice). */
function countTicks(top) {
  const raw = top / 4;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) || 1;
  const ticks = [];
  for (let v = 0; v < top + step; v += step) ticks.push(v);
  return ticks;
}

/**
 * samples: [{t (ms), total, ...one value per series key}]; the y axis goes up to the largest
 * total. The x axis counts the time since the first sample, its step chosen from the span;
 * `tickLabel(t, t0)` writes a label instead (then ticks are at least `minStep` ms apart).
 */
export function drawChart(canvas, samples, { series = SERIES, tickLabel = null,
                                             minStep = 1000 } = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 220;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 44, right: 24, top: 10, bottom: 26 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const t0 = samples.length ? samples[0].t : 0;
  const measured = samples.length ? samples[samples.length - 1].t - t0 : 0;
  const { step, ticks } = timeTicks(Math.max(minStep, measured), minStep);
  const span = Math.max(ticks[ticks.length - 1], measured, 1);
  const yTicks = countTicks(Math.max(1, ...samples.map((s) => s.total || 0)));
  const top = yTicks[yTicks.length - 1];
  const x = (t) => pad.left + ((t - t0) / span) * plotW;
  const y = (v) => pad.top + plotH - (v / top) * plotH;

  ctx.strokeStyle = "#d0d5dd";
  ctx.fillStyle = "#555";
  ctx.font = "12px system-ui, sans-serif";
  ctx.lineWidth = 1;
  for (const value of yTicks) {
    ctx.beginPath();
    ctx.moveTo(pad.left, y(value));
    ctx.lineTo(width - pad.right, y(value));
    ctx.stroke();
    ctx.textAlign = "right";
    ctx.fillText(String(value), pad.left - 6, y(value) + 4);
  }
  ctx.textAlign = "center";
  const labels = ticks.map((d) => (tickLabel ? tickLabel(t0 + d, t0) : elapsedLabel(d, step)));
  labels.forEach((text, i) => ctx.fillText(text, x(t0 + ticks[i]), height - 8));
  canvas.dataset.ticks = JSON.stringify(labels);  // what the axis says (tests, and a11y below)
  canvas.dataset.points = String(samples.length);
  for (const { key, color } of series) {
    if (samples.length === 0) break;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    samples.forEach((s, i) => {
      if (i === 0) ctx.moveTo(x(s.t), y(s[key] || 0));
      else ctx.lineTo(x(s.t), y(s[key] || 0));
    });
    if (samples.length === 1) ctx.lineTo(x(samples[0].t) + 2, y(samples[0][key] || 0));
    ctx.stroke();
  }
}
