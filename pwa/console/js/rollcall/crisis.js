// The roll call's crisis sign-up page: open it (a public address to share), close it, and the
// people who signed up on it, beside the registered travelers' answers.
import { post } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { formatDateTime } from "/js/format.js";
import { _ } from "/js/i18n.js";

const answerText = (answer) => (answer === "help" ? _("Need help") : _("Safe"));

function pageControls(crisis, rollcallOpen, mayAct, act) {
  const page = crisis.page;
  const parts = [];
  if (page && page.open) {
    parts.push(h("p", {}, _("Public sign-up page, open until {time}:",
      { time: formatDateTime(page.closes_at) })),
    h("p", {}, h("a", { href: page.url, id: "crisis-url", class: "crisis-link", target: "_blank",
                        rel: "noopener", dir: "ltr" }, page.url)));
    if (mayAct) {
      parts.push(h("div", { class: "actions" },
        h("button", { type: "button", class: "button", id: "crisis-copy",
          onclick: () => navigator.clipboard?.writeText(page.url) }, _("Copy the address")),
        h("button", { type: "button", class: "button danger-outline", id: "crisis-close",
          onclick: () => act("close", _("Close the sign-up page? Its address stops working.")) },
          _("Close the sign-up page"))));
    }
  } else {
    parts.push(h("p", { class: "muted" }, page
      ? _("The sign-up page closed at {time}.", { time: formatDateTime(page.closes_at) })
      : _("People who are in the area but never registered can sign up on a public page and join this roll call.")));
    if (mayAct && rollcallOpen) {
      parts.push(h("button", { type: "button", class: "button primary", id: "crisis-open",
        onclick: () => act("open") }, _("Open a public sign-up page")));
    }
  }
  return parts;
}

function registrationRow(r) {
  return h("tr", { "data-registration": r.id, "data-answer": r.answer },
    h("th", { scope: "row" }, r.name, " ",
      h("span", { class: "badge badge-crisis" }, _("registered during the crisis"))),
    h("td", {}, h("bdi", { dir: "ltr" }, r.phone_display || r.phone), " ",
      r.phone_verified
        ? h("span", { class: "badge badge-verified" }, _("phone verified"))
        : h("span", { class: "badge badge-unverified" }, _("phone not verified"))),
    h("td", {}, h("span", { class: "badge " + (r.answer === "help" ? "state-open" : "state-sent") },
      answerText(r.answer)), r.sos_case_id
      ? [" ", h("a", { href: "#/sos/" + r.sos_case_id }, _("SOS case"))] : null),
    h("td", {}, r.place, r.lat !== null && r.lat !== undefined
      ? [" ", h("bdi", { dir: "ltr", class: "muted" }, r.lat.toFixed(4) + ", " + r.lon.toFixed(4))]
      : null),
    h("td", {}, h("bdi", {}, formatDateTime(r.received_at))));
}

function registrationTable(crisis) {
  const t = crisis.totals;
  return [
    h("p", { id: "crisis-totals" }, _("Signed up during the crisis: {n} · safe: {safe} · need help: {help} · phone verified: {verified}",
      { n: t.registrations, safe: t.safe, help: t.help, verified: t.phone_verified })),
    crisis.registrations.length ? h("table", { class: "data", id: "crisis-table" },
      h("thead", {}, h("tr", {}, [_("Name"), _("Phone"), _("Answer"), _("Where"), _("Received")]
        .map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, crisis.registrations.map(registrationRow))) : null,
  ].filter(Boolean);
}

/** The panel, empty; `paint(board)` fills it from each refresh of the dashboard. */
export function crisisPanel(url, { mayAct, refresh }) {
  const status = h("div", { id: "crisis-status" });
  const body = h("div", {});
  const panel = h("section", { class: "panel", id: "crisis-panel" },
    h("h2", {}, _("Crisis sign-up")), status, body);
  let rollcallOpen = false;
  async function act(what, confirmText) {
    if (confirmText && !window.confirm(confirmText)) return;
    try {
      await post(url + "/crisis-page" + (what === "close" ? "/close" : ""));
      status.replaceChildren(notice(what === "close" ? _("The sign-up page is closed.")
        : _("The sign-up page is open. Share its address."), "success"));
      await refresh();
    } catch (error) {
      status.replaceChildren(notice(error.message || _("Something went wrong. Please try again."), "error"));
    }
  }
  function paint(board) {
    rollcallOpen = board.rollcall.state !== "closed";
    body.replaceChildren(...pageControls(board.crisis, rollcallOpen, mayAct(), act),
                         ...registrationTable(board.crisis));
  }
  return { panel, paint };
}
