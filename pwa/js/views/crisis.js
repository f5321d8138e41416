// The crisis sign-up page (#/crisis/<slug>): someone in the area who never registered says who
// they are, where, and whether they are safe, on one screen, signed out, in their language;
// then may prove their phone by SMS and turn the sign-up into an account.
import { get, post } from "../api.js";
import { h, notice, render, telLink, withNumber } from "../dom.js";
import { field, formStatus, input, showErrors } from "../forms.js";
import { _ } from "../i18n.js";
import { go } from "../router.js";
import { uuid4 } from "../outbox.js";
import { locate } from "../sos.js";
import { state } from "../state.js";
import { languagePicker } from "./welcome.js";

const base = (slug) => "/api/crisis/" + encodeURIComponent(slug);
// One identifier per page and browser until it is accepted: a form sent again after a lost
// answer is the same registration, not a second one.
const pendingKey = (slug) => "compatriot.crisis." + slug;

function clientUuid(slug) {
  let value = sessionStorage.getItem(pendingKey(slug));
  if (!value) {
    value = uuid4();
    sessionStorage.setItem(pendingKey(slug), value);
  }
  return value;
}

function callLine(page) {
  return page.hotline ? h("p", { class: "hotline" }, _("In immediate danger, call:"), " ",
                          telLink(page.hotline, page.hotline_display)) : null;
}

/** "I am safe" / "I need help" as one radio group, wired to show the API's `answer` error. */
function answerChoice() {
  const errorId = "crisis-answer-error";
  const radio = (value, text, kind) => {
    const control = h("input", { type: "radio", name: "answer", value, id: "answer-" + value,
                                 required: true });
    if (value === "safe") {
      control.dataset.path = "answer";
      control.dataset.errorId = errorId;
    }
    return h("label", { class: "choice choice-" + kind, for: control.id }, control, " ", text);
  };
  return h("fieldset", { class: "answer-choice" },
    h("legend", {}, _("Are you safe?")),
    h("div", { class: "choices" },
      radio("safe", _("I am safe"), "safe"), radio("help", _("I need help"), "help")),
    h("p", { class: "field-error", id: errorId, hidden: true }));
}

/** "Use my position": asked only when pressed, and said what it is for. */
function positionControl() {
  const status = h("p", { class: "hint", id: "crisis-position-status", "aria-live": "polite" },
    _("Only if you press the button: your position is sent with this sign-up, to the mission only."));
  const control = { fix: null };
  const button = h("button", { type: "button", class: "button", id: "crisis-locate" },
                   _("Use my position"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = _("Finding your position…");
    const fix = await locate();
    button.disabled = false;
    control.fix = fix;
    status.replaceChildren(...(fix
      ? [_("Position added"), " ", h("bdi", { dir: "ltr" },
          fix.lat.toFixed(4) + ", " + fix.lon.toFixed(4) + " (±" + fix.accuracy + " m)")]
      : [_("Your position could not be found. Say where you are in words above.")]));
  });
  control.element = h("div", { class: "field" }, button, status);
  return control;
}

function formScreen(slug, page) {
  const name = input({ autocomplete: "name", required: true, maxlength: 200 });
  const phone = input({ type: "tel", autocomplete: "tel", required: true, dir: "ltr" });
  const place = input({ autocomplete: "off", required: true, maxlength: 200 });
  const message = h("textarea", { rows: 2, maxlength: 1000 });
  const position = positionControl();
  const form = h("form", { novalidate: true, class: "stack", id: "crisis-form" },
    formStatus(),
    field(_("Full name"), name, { path: "name" }),
    field(_("Mobile phone"), phone, { path: "phone",
      hint: _("With the country code, for example +86 138 0013 8000.") }),
    field(_("Where are you?"), place, { path: "place",
      hint: _("A city, a district, a street or a hotel.") }),
    position.element,
    answerChoice(),
    field(_("If you need help: what is happening? (optional)"), message, { path: "message" }),
    h("button", { type: "submit", class: "button primary" }, _("Send")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[name=answer]:checked");
    const body = { client_uuid: clientUuid(slug), name: name.value, phone: phone.value,
                   place: place.value, answer: chosen ? chosen.value : null,
                   message: message.value.trim() || null };
    if (position.fix) {
      Object.assign(body, { lat: position.fix.lat, lon: position.fix.lon,
                            accuracy: position.fix.accuracy });
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const done = await post(base(slug) + "/registrations", body);
      sessionStorage.removeItem(pendingKey(slug));
      confirmation(slug, page, done);
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    } finally {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  render(h("section", { class: "crisis" },
    h("h1", {}, _("Crisis sign-up")),
    languagePicker(),
    page.mission ? h("p", { class: "muted" }, _("Asked by {mission}", { mission: page.mission })) : null,
    h("p", { class: "question" }, page.question),
    h("p", {}, _("You are not registered with us? Tell us who you are, where you are and whether you are safe. No account is needed.")),
    callLine(page), form));
}

/** Prove the phone with a 6-digit code by SMS (optional). */
function verification(slug, done, onVerified) {
  const url = base(slug) + "/registrations/" + encodeURIComponent(done.client_uuid) + "/phone-code";
  const box = h("section", { class: "card", id: "crisis-verify" });
  const code = input({ inputmode: "numeric", autocomplete: "one-time-code", maxlength: 6,
                       dir: "ltr" });
  const form = h("form", { novalidate: true, class: "stack", hidden: true },
    formStatus(), field(_("Code"), code, { path: "code" }),
    h("button", { type: "submit", class: "button primary" }, _("Verify")));
  const ask = h("button", { type: "button", class: "button", id: "crisis-send-code" },
                _("Send me a code by SMS"));
  const status = h("div", { "aria-live": "polite" });
  ask.addEventListener("click", async () => {
    ask.disabled = true;
    try {
      await post(url);
      status.replaceChildren(notice(withNumber(_("A code was sent to {number}."), done.phone_display), "success"));
      form.hidden = false;
      code.focus();
    } catch (error) {
      status.replaceChildren(notice(error.message || _("Something went wrong. Please try again."), "error"));
    } finally {
      ask.disabled = false;
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      onVerified(await post(url + "/confirm", { code: code.value }));
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  });
  box.append(h("h2", {}, _("Verify your phone number")),
    h("p", {}, _("The mission trusts a verified number more: it knows it can reach you there.")),
    ask, status, form);
  return box;
}

/** The sign-up screen of the app, with the name and phone already typed in. */
function openSignup(done) {
  // The router draws the sign-up screen on this same hashchange, before this listener runs.
  window.addEventListener("hashchange", () => {
    for (const [path, value] of [["name", done.name], ["phone", done.phone]]) {
      const control = document.querySelector('#view [data-path="' + path + '"]');
      if (control && !control.value) control.value = value;
    }
  }, { once: true });
  go("/signup");
}

function confirmation(slug, page, done) {
  const said = done.answer === "help"
    ? _("Your call for help was sent to {mission}. Stay where you can be reached.",
        { mission: page.mission || _("the mission") })
    : _("Thank you. {mission} knows you are safe.", { mission: page.mission || _("The mission") });
  const verified = h("p", { class: "notice notice-success", id: "crisis-verified", role: "status" },
                     _("Your phone number is verified."));
  const account = h("section", { class: "card" },
    h("h2", {}, _("Stay informed")),
    h("p", {}, _("With an account, the mission can send you alerts and you can call for help with one button.")),
    h("button", { type: "button", class: "button primary", id: "crisis-create-account",
                  onclick: () => openSignup(done) }, _("Create an account")));
  const verify = done.phone_verified ? verified : verification(slug, done, () => {
    verify.replaceWith(verified);
  });
  render(h("section", { class: "crisis" },
    h("h1", {}, _("Received")),
    notice(said, done.answer === "help" ? "error" : "success"),
    h("dl", { class: "crisis-summary" },
      h("dt", {}, _("Name")), h("dd", {}, done.name),
      h("dt", {}, _("Mobile phone")), h("dd", {}, h("bdi", { dir: "ltr" }, done.phone_display)),
      h("dt", {}, _("Where are you?")), h("dd", {}, done.place)),
    callLine(page), verify, account));
}

export async function crisisView({ slug }) {
  let page;
  try {
    page = await get(base(slug));
  } catch (error) {
    render(h("section", { class: "crisis" },
      h("h1", {}, error.status === 410 ? _("This crisis page is closed") : _("Crisis sign-up")),
      notice(error.offline ? _("You are offline. Try again when you have a connection.")
        : error.message, "error"),
      callLine({ hotline: state.config.hotline, hotline_display: state.config.hotline_display }),
      h("p", {}, h("a", { href: "#/welcome" }, _("Go to the start page")))));
    return;
  }
  formScreen(slug, page);
}
