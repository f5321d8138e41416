// A small line chart of counts over time, drawn on a <canvas> (no chart library): delivery of
// an alert by default; other screens pass their own series and tick labels.

export const SERIES = [
  { key: "sent", color: "#1a7f37" },
  { key: "pending", color: "#8a94a6" },
  { key: "failed", color: "#c8102e" },
  { key: "gone", color: "#6e4c1e" },
  { key: "clicked", color: "#0b3d91" },
];

/**
 * samples: [{t (ms), total, ...one value per series key}]; the y axis goes up to the largest
 * total. `tickLabel(t, t0)` writes an x-axis label (default: seconds since the first sample).
 */
export function drawChart(canvas, samples, { secondsLabel = "s", series = SERIES,
                                             tickLabel = null } = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 220;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 44, right: 12, top: 10, bottom: 26 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const t0 = samples.length ? samples[0].t : 0;
  const span = Math.max(1000, samples.length ? samples[samples.length - 1].t - t0 : 1000);
  const top = Math.max(1, ...samples.map((s) => s.total || 0));
  const x = (t) => pad.left + ((t - t0) / span) * plotW;
  const y = (v) => pad.top + plotH - (v / top) * plotH;

  ctx.strokeStyle = "#d0d5dd";
  ctx.fillStyle = "#555";
  ctx.font = "12px system-ui, sans-serif";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i += 1) {
    const value = Math.round((top * i) / 4);
    ctx.beginPath();
    ctx.moveTo(pad.left, y(value));
    ctx.lineTo(width - pad.right, y(value));
    ctx.stroke();
    ctx.textAlign = "right";
    ctx.fillText(String(value), pad.left - 6, y(value) + 4);
  }
  ctx.textAlign = "center";
  for (let i = 0; i <= 4; i += 1) {
    const t = t0 + (span * i) / 4;
    ctx.fillText(tickLabel ? tickLabel(t, t0) : Math.round((t - t0) / 1000) + " " + secondsLabel,
                 x(t), height - 8);
  }
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
