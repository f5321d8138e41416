// Travelers in my jurisdiction: counts by country and region, and search for the call centre.
import { get } from "/js/api.js";
import { h, notice, telLink } from "/js/dom.js";
import { formatDate } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { screen } from "../session.js";

function countsTable(summary) {
  const rows = [];
  for (const country of summary.countries) {
    rows.push(h("tr", { class: "country-row", "data-country": country.country },
      h("th", { scope: "row" }, country.name), h("td", {}, String(country.current)),
      h("td", {}, String(country.upcoming))));
    for (const region of country.regions || []) {
      rows.push(h("tr", { class: "region-row" },
        h("td", { class: "indent" }, region.name || _("Region not given")),
        h("td", {}, String(region.current)), h("td", {}, String(region.upcoming))));
    }
  }
  return h("table", { class: "data", id: "traveler-summary" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("Place")),
      h("th", { scope: "col" }, _("There now")), h("th", { scope: "col" }, _("Arriving")))),
    h("tbody", {}, rows),
    h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, _("Total")),
      h("td", {}, String(summary.totals.current)), h("td", {}, String(summary.totals.upcoming)))));
}

function stayText(stay) {
  const place = [stay.city, stay.subdivision_name, stay.country_name].filter(Boolean).join(", ");
  const when = stay.end_date ? _("{start} to {end}", { start: formatDate(stay.start_date),
                                                        end: formatDate(stay.end_date) })
    : _("from {start}, resident", { start: formatDate(stay.start_date) });
  return (stay.status === "upcoming" ? _("Arriving") : _("There now")) + ": " + place + " · " + when;
}

export async function travelersView() {
  const show = screen();
  let summary;
  try {
    summary = await get("/api/staff/travelers/summary");
  } catch (error) {
    show(h("section", {}, h("h1", {}, _("Travelers in jurisdiction")),
      notice(error.message || _("Something went wrong. Please try again."), "error")));
    return;
  }
  const results = h("div", { id: "traveler-results", "aria-live": "polite" });
  const box = h("input", { type: "search", id: "traveler-q", autocomplete: "off", minlength: 2 });
  const form = h("form", { class: "search", role: "search" },
    h("label", { for: "traveler-q" }, _("Name or phone")), box,
    h("button", { type: "submit", class: "button primary" }, _("Search")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = box.value.trim();
    if (q.length < 2) return;
    try {
      const found = await get("/api/staff/travelers?q=" + encodeURIComponent(q));
      results.replaceChildren(found.length ? h("table", { class: "data", id: "traveler-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("Name")),
          h("th", { scope: "col" }, _("Phone")), h("th", { scope: "col" }, _("Email")),
          h("th", { scope: "col" }, _("Stays in my jurisdiction")))),
        h("tbody", {}, found.map(({ traveler, stays }) => h("tr", {},
          h("td", {}, traveler.name), h("td", {}, traveler.phone ? telLink(traveler.phone) : "—"),
          h("td", { dir: "ltr" }, traveler.email),
          h("td", {}, h("ul", { class: "plain" }, stays.map((s) => h("li", {}, stayText(s)))))))))
        : h("p", { class: "muted" }, _("Nobody found.")));
    } catch (error) {
      results.replaceChildren(notice(error.message || _("Something went wrong. Please try again."), "error"));
    }
  });
  show(h("section", { class: "travelers" },
    h("h1", {}, _("Travelers in jurisdiction")),
    h("div", { class: "two-col" },
      h("section", { class: "panel" },
        h("h2", {}, _("By place, as of {date}", { date: formatDate(summary.as_of) })),
        summary.countries.length ? countsTable(summary)
          : h("p", { class: "muted" }, _("No registered travelers here."))),
      h("section", { class: "panel" },
        h("h2", {}, _("Find a traveler")),
        h("p", { class: "hint" }, _("For the call centre. Every search is recorded in the audit log.")),
        form, results))));
}
