// The SOS screen: the cancel window, the honest state of my SOS, and calls and texts that work
// with no data connection.
import { h, nextId, render, telLink, withNumber } from "../dom.js";
import { emergencyButtons, emergencyHere } from "../emergency.js";
import { formatDateTime } from "../format.js";
import { holdToConfirm, progressRing } from "../hold.js";
import { _, languageTag } from "../i18n.js";
import { currentPath } from "../router.js";
import { state } from "../state.js";
import {
  addMessage, cancelCountdown, cancelSos, caseToShow, lastFix, locate, onSosChange, outbox,
  pendingCountdown, savedTrips, sendCountdownNow, setCountdownMessage, startCountdown,
} from "../sos.js";

const POLL_MS = 15 * 1000;
let leavePrevious = () => {};

/** Speak to screen readers at once (the shell's assertive live region). */
export function announce(text) {
  const live = document.getElementById("sos-live");
  if (!live) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}

/** Wire a hold-to-confirm SOS control; `onTap` defaults to explaining how to use it. */
export function wireSosControl(button, onTap) {
  holdToConfirm(button, {
    onStart: () => announce(_("Keep holding to send an SOS.")),
    onTap: () => {
      announce(_("Hold the SOS button for 2 seconds to send an SOS."));
      if (onTap) onTap();
    },
    onConfirm: () => {
      startCountdown();
      announce(_("Your SOS will be sent in a few seconds. Press Cancel to stop it."));
      if (currentPath() !== "/sos") location.hash = "#/sos";
    },
  });
}

function bigSosButton(label) {
  const button = h("button", { type: "button", class: "sos-hold", id: "sos-hold" },
    progressRing(), h("span", {}, label));
  wireSosControl(button);
  return button;
}

// Who to call -------------------------------------------------------------------------------

/** Responsible mission first: the case's, then my current stay's, then upcoming stays'. */
function missions(trips, sosCase) {
  const found = new Map();
  const add = (mission) => {
    if (mission && mission.emergency_phone && !found.has(mission.id)) found.set(mission.id, mission);
  };
  if (sosCase) add(sosCase.mission);
  const today = new Date().toISOString().slice(0, 10);
  const list = Array.isArray(trips) ? trips : [];
  for (const status of ["current", "upcoming"]) {
    for (const trip of list.filter((item) => item.status === status)) {
      const legs = [...trip.legs].sort((a, b) => {
        const here = (leg) => leg.start_date <= today && (!leg.end_date || leg.end_date >= today);
        return Number(here(b)) - Number(here(a));
      });
      legs.forEach((leg) => add(leg.mission));
    }
  }
  return [...found.values()];
}

function smsBody(fix) {
  const name = state.user ? state.user.name : "";
  if (!fix) return _("SOS: I need help. {name}. My position is not known.", { name });
  const map = "https://www.openstreetmap.org/?mlat=" + fix.lat + "&mlon=" + fix.lon
    + "#map=16/" + fix.lat + "/" + fix.lon;
  return _("SOS: I need help. {name}. My position: {lat},{lon} (within {accuracy} m) {map}",
           { name, lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy, map });
}

function contactList(list, fix) {
  const hotline = state.config.hotline;
  const texted = list.length ? list[0].emergency_phone : hotline;
  const textedShown = list.length ? list[0].emergency_phone_display : state.config.hotline_display;
  const items = list.map((mission) => h("li", {},
    h("span", {}, _("Call {mission} (emergency line)", { mission: mission.name })),
    telLink(mission.emergency_phone, mission.emergency_phone_display)));
  if (hotline) {
    items.push(h("li", {}, h("span", {}, _("Call the global consular hotline")),
      telLink(hotline, state.config.hotline_display)));
  }
  if (texted) {
    const href = "sms:" + texted.replace(/[^+\d]/g, "") + "?body=" + encodeURIComponent(smsBody(fix));
    items.push(h("li", {}, h("span", {}, withNumber(fix ? _("Text my position to {number}")
      : _("Send a text to {number}"), textedShown || texted)),
    h("a", { href, class: "sms", id: "sos-sms" }, _("Send a text message"))));
  }
  return h("ul", { class: "sos-calls" }, items);
}

/** The country of the stay I am on today, or null. */
function stayCountry(trips) {
  const today = new Date().toISOString().slice(0, 10);
  const current = (Array.isArray(trips) ? trips : []).filter((trip) => trip.status === "current");
  const legs = current.flatMap((trip) => trip.legs);
  const leg = legs.find((item) => item.start_date <= today && (!item.end_date || item.end_date >= today))
    || legs[0];
  return leg ? leg.country : null;
}

/** A country's name in the reader's language (the browser's CLDR data, offline too). */
export function countryName(code) {
  try {
    return new Intl.DisplayNames([languageTag()], { type: "region" }).of(code);
  } catch (error) {
    return code;
  }
}

// The panel: countdown, case state, or the big button ----------------------------------------

function statusText(sosCase) {
  if (sosCase.cancel_queued) {
    return [_("You said you are safe."), _("Saved on this phone; the mission will be told as soon as there is a connection.")];
  }
  const mission = sosCase.mission ? sosCase.mission.name : _("the consular service");
  switch (sosCase.state) {
    case "queued":
      if (cannotGo(sosCase)) {
        return [_("Not sent: sign in"),
          _("This SOS is kept on this phone, but it can only be sent once you sign in. Sign in and it is sent at once. Call the numbers on this screen now if you can.")];
      }
      return [_("Queued: saved on this phone, not sent yet."),
        _("It will be sent by itself as soon as there is a connection. Call or text if you can.")];
    case "open":
      return [_("Sent: the consular service has your SOS."),
        _("Stay where you are safe. Keep your phone on.")];
    case "acknowledged":
      return [_("Received by {mission}.", { mission }), _("They are handling your SOS.")];
    case "resolved":
      return [_("Resolved."), _("{mission} closed this SOS.", { mission })];
    default:
      return [_("Cancelled."), _("You told the mission you are safe.")];
  }
}

/** An SOS with no account behind it: the server refuses it until someone signs in. */
const cannotGo = (sosCase) => sosCase.state === "queued"
  && (!state.user || (sosCase.error && sosCase.error.status === 401));

function casePanel(sosCase, messageBox) {
  const shownState = sosCase.cancel_queued ? "cancel-queued" : sosCase.state;
  const [title, detail] = statusText(sosCase);
  const closed = outbox.CLOSED.includes(sosCase.state) || sosCase.cancel_queued;
  const parts = [
    h("div", { class: "sos-state sos-state-" + shownState, "data-sos-state": shownState },
      h("h2", { tabindex: "-1" }, title), h("p", {}, detail),
      h("p", { class: "muted" }, _("Raised {time}", { time: formatDateTime(sosCase.raised_at) }))),
  ];
  if (cannotGo(sosCase)) {
    parts.push(h("p", {}, h("a", { href: "#/login", class: "button primary", id: "sos-sign-in" },
      _("Sign in to send this SOS"))));
  } else if (sosCase.error && sosCase.state === "queued") {
    parts.push(h("p", { class: "notice notice-error", role: "alert" },
      _("The server did not accept it yet: {message}", { message: sosCase.error.message
        || String(sosCase.error.status) }), " ", _("It stays saved on this phone and will be tried again.")));
  }
  if (sosCase.state === "queued") parts.push(messageBox);
  else if (sosCase.message) parts.push(h("p", {}, _("Your message: {message}", { message: sosCase.message })));
  if (!closed) parts.push(safeControl(sosCase));
  else parts.push(bigSosButton(_("Hold to send a new SOS")));
  return parts;
}

function safeControl(sosCase) {
  const confirm = h("div", { class: "confirm", hidden: true, role: "group" },
    h("p", {}, _("Tell the mission you no longer need help?")),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "button primary", id: "sos-safe-confirm",
                    onclick: () => cancelSos(sosCase.uuid) }, _("Yes, I am safe")),
      h("button", { type: "button", class: "button", onclick: () => { confirm.hidden = true; } },
        _("No, I still need help"))));
  return h("div", { class: "actions stacked" },
    h("button", { type: "button", class: "button", id: "sos-safe", onclick: () => {
      confirm.hidden = false;
      confirm.querySelector("button").focus();
    } }, _("I am safe now")), confirm);
}

const countdownTitle = (pending) => _("Sending your SOS in {seconds} s", { seconds: pending.left });

function countdownPanel(pending, messageBox) {
  return [
    h("div", { class: "sos-countdown", "data-sos-state": "countdown" },
      h("h2", {}, countdownTitle(pending)),
      h("button", { type: "button", class: "button sos-cancel", id: "sos-cancel",
                    onclick: () => {
                      cancelCountdown();
                      announce(_("Cancelled. No SOS was sent."));
                    } }, _("Cancel")),
      h("button", { type: "button", class: "button danger", id: "sos-send-now",
                    onclick: () => sendCountdownNow() }, _("Send now"))),
    messageBox,
  ];
}

function idlePanel() {
  return [
    bigSosButton(_("Hold for 2 seconds to send an SOS")),
    state.user ? h("p", { class: "muted" }, _("Your SOS goes to the consular service with your position, even with no connection: it is saved on this phone and sent as soon as possible."))
      : h("p", { class: "notice notice-warning", id: "sos-signed-out" },
        _("You are not signed in: an SOS can only reach the consular service from an account."), " ",
        h("a", { href: "#/login" }, _("Sign in")), " · ", h("a", { href: "#/signup" }, _("Create an account"))),
  ];
}

function messageField(getCase) {
  const id = nextId("sos-message");
  const area = h("textarea", { id, maxlength: 1000, rows: 2, "data-path": "message" });
  const saved = h("span", { class: "muted", "aria-live": "polite" });
  area.addEventListener("input", () => {
    setCountdownMessage(area.value);
    saved.textContent = "";
  });
  area.addEventListener("change", async () => {
    const sosCase = getCase();
    if (sosCase && sosCase.state === "queued" && await addMessage(sosCase.uuid, area.value)) {
      saved.textContent = _("Message saved; it goes with your SOS.");
    }
  });
  const box = h("div", { class: "field" },
    h("label", { for: id }, _("Message (optional)")),
    area, h("p", { class: "hint" }, _("For example: what happened, how many people are with you.")),
    saved);
  /** After a reload the outbox still holds the message: show it, unless it is being typed. */
  box.restore = (sosCase) => {
    if (sosCase && document.activeElement !== area && !area.value) area.value = sosCase.message || "";
  };
  return box;
}

export async function sosView() {
  const panel = h("div", { class: "sos-panel", id: "sos-panel" });
  const calls = h("div", {});
  const local = h("div", { id: "sos-local" });
  let shown = null;
  let signature = "";
  const messageBox = messageField(() => shown);
  const callSection = [h("h2", { id: "sos-calls-title" }, _("Call or text, even with no data connection")), calls];
  // Signed out, an SOS cannot reach anyone yet: the calls come first.
  render(h("section", { class: "sos" },
    h("h1", {}, _("Emergency help")),
    h("p", { class: "lead" }, _("In immediate danger, call the local emergency number first.")),
    local, state.user ? [panel, ...callSection] : [...callSection, panel]));

  // Never wait for the trips before offering the hotline: paint now, again once they come.
  let trips = [];
  savedTrips().then((found) => {
    trips = found;
    return paint();
  }).catch(() => {});
  let callsSignature = "";
  const paint = async () => {
    const pending = pendingCountdown();
    shown = pending ? null : await caseToShow();
    const fix = await lastFix();
    if (shown && shown.mission) {
      // The trips carry the mission's name in my language; the case only its default name.
      const known = missions(trips, null).find((item) => item.id === shown.mission.id);
      if (known) shown = { ...shown, mission: known };
    }
    if (shown && shown.state === "queued") messageBox.restore(shown);
    const list = missions(trips, shown);
    const nextCalls = JSON.stringify([list.map((m) => m.id), fix, state.config.hotline]);
    if (nextCalls !== callsSignature) {
      callsSignature = nextCalls;
      calls.replaceChildren(contactList(list, fix));
      emergencyHere(fix, stayCountry(trips)).then((answer) => {
        local.replaceChildren(emergencyButtons(answer, answer && countryName(answer.country)) || "");
      }).catch(() => {});
    }
    const next = pending ? "countdown"
      : shown ? [shown.uuid, shown.state, shown.cancel_queued, shown.error && shown.error.status,
        Boolean(state.user)].join(":")
        : "idle";
    if (next === signature) {
      if (pending) panel.querySelector(".sos-countdown h2").textContent = countdownTitle(pending);
      return;
    }
    const wasCountdown = signature === "countdown";
    if (signature && shown) announce(statusText(shown)[0]);
    signature = next;
    const hadFocus = panel.contains(document.activeElement);
    panel.replaceChildren(...(pending ? countdownPanel(pending, messageBox)
      : shown ? casePanel(shown, messageBox) : idlePanel()));
    if (pending && !wasCountdown) panel.querySelector("#sos-cancel").focus();
    else if (hadFocus && !panel.contains(document.activeElement)) {
      const heading = panel.querySelector("h2");
      if (heading) heading.focus();
    }
  };
  const off = onSosChange(() => paint().catch(() => {}));
  // Ask the server how the case stands while this screen is open and online.
  const poll = setInterval(() => {
    if (navigator.onLine && shown && !["queued", ...outbox.CLOSED].includes(shown.state)) {
      outbox.refreshCase(shown.uuid).catch(() => {});
    }
  }, POLL_MS);
  const stop = () => {
    off();
    clearInterval(poll);
    window.removeEventListener("hashchange", leave);
  };
  const leave = () => {
    if (currentPath() !== "/sos") stop();
  };
  window.addEventListener("hashchange", leave);
  leavePrevious();
  leavePrevious = stop;
  await paint();
  if (shown && navigator.onLine && shown.state !== "queued") outbox.refreshCase(shown.uuid).catch(() => {});
  // A current position for the text message (and the next SOS), unless location was refused.
  const permission = await navigator.permissions?.query({ name: "geolocation" }).catch(() => null);
  if (!permission || permission.state !== "denied") locate().catch(() => {});
}
