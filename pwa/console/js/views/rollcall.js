// A roll call live: accounted / need help / no answer, by city, on the map, over time;
// remind those who have not answered, close it, download the lists; its crisis sign-up page.
// Polled, never reloaded.
/* global L */
import { get, getInBackground, post } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { formatDateTime } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { drawChart } from "../chart.js";
import { channelsPanel } from "../delivery/channels.js";
import { failuresPanel } from "../delivery/failures.js";
import { reachKey, unreachedPanel } from "../delivery/unreached.js";
import { baseMap, fitCountries, label } from "../map.js";
import { crisisPanel } from "../rollcall/crisis.js";
import { canAct, poll, screen } from "../session.js";
import { questionOf, rollcallState } from "./rollcalls.js";

const OPEN_MS = 3000;
const CLOSED_MS = 15000;
const COLORS = { safe: "#1a7f37", help: "#c8102e", no_answer: "#8a94a6" };
const SERIES = [{ key: "safe", color: COLORS.safe }, { key: "help", color: COLORS.help }];

const figureLabel = (key) => ({ safe: _("Accounted for (safe)"), help: _("Need help"),
  no_answer: _("No answer"), recipients: _("Asked"), late: _("Late answers") }[key]);

/** Answers per minute -> cumulative samples for the chart, from the start until now. */
function samples(startedAt, series, recipients) {
  let safe = 0;
  let help = 0;
  const first = [{ t: Date.parse(startedAt), safe: 0, help: 0, total: recipients }];
  const out = first.concat(series.map((m) => {
    safe += m.safe;
    help += m.help;
    return { t: Math.max(first[0].t, Date.parse(m.minute + ":00Z")), safe, help,
             total: recipients };
  }));
  out.push({ t: Math.max(Date.now(), out.length ? out[out.length - 1].t + 60000 : Date.now()),
             safe, help, total: recipients });
  return out;
}

const hhmm = (t) => new Date(t).toLocaleTimeString(document.documentElement.lang,
  { hour: "2-digit", minute: "2-digit" });

function exportLink(url, path, text, linkId) {
  return h("a", { class: "button", id: linkId, href: url + "/" + path, download: "" }, text);
}

function cityTable(cities) {
  return h("table", { class: "data", id: "city-table" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("City")),
      ...["recipients", "safe", "help", "no_answer"].map((key) =>
        h("th", { scope: "col" }, figureLabel(key))))),
    cities);
}

/** The screen's elements, empty: `paint` and `paintEvacuation` fill them from the board. */
function boardParts(url) {
  return {
    channels: channelsPanel({ answered: true }),
    failures: failuresPanel(),
    unreached: unreachedPanel(url + "/unreached"),
    stateEl: h("span", { id: "rollcall-state" }),
    pushes: h("span", { id: "rollcall-pushes" }),
    figures: h("div", { class: "figures", id: "rollcall-figures", "aria-live": "polite" }),
    bar: h("div", { class: "progress", id: "rollcall-bar", role: "img" }),
    cities: h("tbody", { id: "city-rows" }),
    evacuation: h("div", { id: "evacuation" }),
    status: h("div", { id: "rollcall-status" }),
    minutes: h("input", { type: "number", min: 0, max: 1440, value: 10, class: "short",
                          id: "remind-minutes" }),
    mapEl: h("div", { class: "map rollcall-map", id: "rollcall-map" }),
    canvas: h("canvas", { class: "chart", id: "rollcall-chart", width: 800, height: 220,
                          role: "img", "aria-label": _("Answers over time") }),
    actions: h("div", { class: "actions", id: "rollcall-actions" }),
  };
}

function boardScreen(board, url, p) {
  const language = document.documentElement.lang.replace("-", "_");
  return h("section", { class: "rollcall" },
    h("div", { class: "title-row" },
      h("h1", {}, _("Roll call {id}", { id: board.rollcall.id })),
      h("a", { class: "button", href: "#/rollcalls" }, _("All roll calls"))),
    h("p", { class: "rollcall-question", id: "rollcall-question" },
      questionOf(board.rollcall, language)),
    h("p", { class: "muted" }, p.stateEl, " · ",
      _("deadline {time}", { time: formatDateTime(board.rollcall.deadline) }), " · ", p.pushes),
    p.status,
    h("section", { class: "panel" }, p.figures, p.bar, p.actions,
      h("div", { class: "actions" },
        exportLink(url, "export.csv", _("Call-centre list (CSV)"), "export-csv"),
        exportLink(url, "evacuation.csv", _("Evacuation list (CSV)"), "evacuation-csv"))),
    p.crisis,
    h("div", { class: "rollcall-grid" },
      h("section", { class: "panel" }, h("h2", {}, _("By city")), cityTable(p.cities),
        h("h2", {}, _("Evacuation")), p.evacuation),
      h("section", { class: "panel" }, h("h2", {}, _("Where answers came from")), p.mapEl)),
    p.channels.element, p.failures.element, p.unreached.element,
    h("section", { class: "panel" }, h("h2", {}, _("Answers over time")), p.canvas,
      h("ul", { class: "legend" }, SERIES.map(({ key }) =>
        h("li", {}, h("span", { class: "swatch swatch-" + key }),
          figureLabel(key))))));
}

/** The state, the figures, the bar and the city table, from the board. */
function paintFigures(p, board) {
  const { rollcall, totals } = board;
  p.stateEl.className = "badge rollcall-" + rollcall.state;
  p.stateEl.textContent = rollcallState(rollcall.state);
  p.pushes.textContent = _("{sent} of {total} pushes sent", board.pushes);
  p.channels.paint(board.pushes.by_channel);
  p.failures.paint(board.pushes.failures);
  p.figures.replaceChildren(...["safe", "help", "no_answer", "recipients"].map((key) =>
    h("div", { class: "figure figure-" + key },
      h("strong", { id: "rc-" + key.replace("_", "-"), "data-figure": key }, String(totals[key])),
      h("span", {}, figureLabel(key)))),
  ...(totals.late ? [h("p", { class: "muted", id: "rc-late" },
    figureLabel("late") + ": " + totals.late)] : []));
  p.bar.setAttribute("aria-label", _("{safe} safe, {help} need help, {none} no answer, of {total}",
    { safe: totals.safe, help: totals.help, none: totals.no_answer, total: totals.recipients }));
  p.bar.replaceChildren(...["safe", "help", "no_answer"].map((key) => {
    const segment = h("span", { class: "segment segment-" + key, title: figureLabel(key) });
    segment.style.inlineSize = (totals.recipients ? (totals[key] / totals.recipients) * 100 : 0) + "%";
    return segment;
  }));
  p.cities.replaceChildren(...board.by_city.map((c) => h("tr", { "data-city": c.city || "" },
    h("th", { scope: "row" }, cityName(c)),
    ...["recipients", "safe", "help", "no_answer"].map((key) => h("td", {}, String(c[key]))))));
}

const cityName = (c) => (c.city || _("Unknown")) + (c.country ? " (" + c.country + ")" : "");

function evacuationSummary(evac) {
  return [
    h("p", { id: "evacuation-totals" },
      _("Wanting evacuation: {people} · with their parties: {party}",
        { people: evac.people, party: evac.party })),
    evac.by_city.length ? h("table", { class: "data", id: "evacuation-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("City")),
        h("th", { scope: "col" }, _("Travelers")), h("th", { scope: "col" }, _("People")))),
      h("tbody", {}, evac.by_city.map((c) => h("tr", {},
        h("th", { scope: "row" }, cityName(c)),
        h("td", {}, String(c.people)), h("td", {}, String(c.party)))))) : null,
  ].filter(Boolean);
}

/** Remind and close, for an officer while the roll call is open. */
function actionControls(act, minutes) {
  return [
    h("button", { type: "button", class: "button primary", id: "remind",
      onclick: () => act("remind", { min_minutes: Number(minutes.value) || 0 }) },
      _("Remind those who have not answered")),
    h("label", { for: "remind-minutes" }, _("if the last push is older than (minutes)")), minutes,
    h("button", { type: "button", class: "button danger-outline", id: "close-rollcall",
      onclick: () => act("close", undefined, _("Close this roll call? Later answers are still kept, marked late.")) },
      _("Close the roll call")),
  ];
}

export async function rollcallView({ id }) {
  const show = screen();
  const url = "/api/staff/rollcalls/" + encodeURIComponent(id);
  let board = await get(url).catch(() => null);
  if (!board) {
    show(h("section", {}, h("h1", {}, _("Roll call not found")),
      h("p", {}, h("a", { href: "#/rollcalls" }, _("Back to roll calls")))));
    return undefined;
  }
  const parts = boardParts(url);
  const crisis = crisisPanel(url, { mayAct: canAct, refresh: () => refresh() });
  parts.crisis = crisis.panel;
  const { evacuation, status, minutes, mapEl, canvas, actions } = parts;
  const shown = show(boardScreen(board, url, parts));
  if (!shown) return undefined;

  async function act(path, body, confirmText) {
    if (confirmText && !window.confirm(confirmText)) return;
    try {
      await post(url + "/" + path, body);
      status.replaceChildren(notice(path === "close" ? _("The roll call is closed.")
        : _("Reminder sent to everyone who has not answered."), "success"));
      await refresh();
    } catch (error) {
      status.replaceChildren(notice(error.message || _("Something went wrong. Please try again."), "error"));
    }
  }

  function paintActions() {
    const open = board.rollcall.state !== "closed";
    actions.replaceChildren(...(canAct() && open ? actionControls(act, minutes) : []));
  }

  const { map, layer } = await baseMap(mapEl);
  const markers = L.layerGroup().addTo(map);
  const countries = board.rollcall.areas.filter((a) => a.kind === "country").map((a) => a.code);
  if (countries.length) fitCountries(map, layer, countries);
  let fitted = 0;
  let unreachedAt = null;
  let moved = false;
  // Only the officer's own moves stop the map following the answers (fitBounds zooms too).
  map.on("dragstart", () => { moved = true; });
  mapEl.addEventListener("wheel", () => { moved = true; }, { passive: true });

  function paint() {
    const { rollcall, totals } = board;
    paintFigures(parts, board);
    crisis.paint(board);
    markers.clearLayers();
    for (const p of board.points) {
      L.circleMarker([p.lat, p.lon], { radius: 6, color: "#fff", weight: 1.5,
        fillColor: COLORS[p.answer], fillOpacity: 0.9, className: "answer-marker answer-" + p.answer })
        .bindTooltip(label(figureLabel(p.answer))).addTo(markers);
    }
    if (board.points.length !== fitted) {  // follow the answers until the officer moves the map
      fitted = board.points.length;
      if (fitted && !moved) {
        map.fitBounds(L.latLngBounds(board.points.map((p) => [p.lat, p.lon])),
                      { padding: [40, 40], maxZoom: 7, animate: false });
      }
    }
    drawChart(canvas, samples(rollcall.created_at, board.series, totals.recipients),
              { series: SERIES, tickLabel: hhmm, minStep: 60000 });
    paintActions();
    if (board.pushes.pending > 0) {
      unreachedAt = null;
      parts.unreached.waiting();
    } else if (reachKey(board.pushes) !== unreachedAt) {  // all handled; a report, a reminder
      unreachedAt = reachKey(board.pushes);
      parts.unreached.refresh().catch(() => { unreachedAt = null; });
    }
  }

  async function refresh() {
    const [fresh, evac] = await Promise.all([getInBackground(url),
                                           getInBackground(url + "/evacuation")]);
    board = fresh;
    paint();
    evacuation.replaceChildren(...evacuationSummary(evac));
  }

  paint();
  mapEl.dataset.ready = "true";
  const stop = poll(refresh, () => (board.rollcall.state === "closed" ? CLOSED_MS : OPEN_MS));
  window.addEventListener("resize", () => paint(), { once: true });
  return stop;
}
