// Settings: language, notifications, location consent, my data, sign out, delete my account.
import { del, patch, post } from "../api.js";
import { paintChrome } from "../chrome.js";
import { h, nextId, notice, render, withNumber } from "../dom.js";
import { clearErrors, field, formStatus, input, select, showErrors } from "../forms.js";
import { _, locale, setLocale } from "../i18n.js";
import { dispatch, go } from "../router.js";
import { requireUser, state, warmOfflineCopies } from "../state.js";
import { disablePush, enablePush, languageChanged, pushEnabled } from "../push.js";
import { forgetAll } from "../store.js";
import { emailSettings } from "./email-settings.js";
import { pushBlocker, pushError } from "./push-prompt.js";

function switchControl(label, hint, checked, onchange) {
  const control = input({ type: "checkbox", role: "switch", checked, onchange });
  control.checked = checked;
  const id = nextId("switch");
  control.id = id;
  const hintId = id + "-hint";
  control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "switch" }, control,
    h("label", { for: id }, label), h("p", { class: "hint", id: hintId }, hint));
}

/** A switch saving one true/false choice of the profile (`key` of PATCH /api/me) at once. */
function profileSwitch(id, key, label, hint, say, failed) {
  const control = switchControl(label, hint, Boolean(state.user[key]), async (event) => {
    const box = event.target;
    try {
      state.user = await patch("/api/me", { [key]: box.checked });
      say(_("Saved."));
    } catch (error) {
      box.checked = !box.checked;
      failed(error);
    }
  });
  control.querySelector("input").id = id;
  control.querySelector("label").setAttribute("for", id);
  return control;
}

function section(title, ...children) {
  return h("section", { class: "settings-section" }, h("h2", {}, title), ...children);
}

/** The app's language: saved to the profile, then the screen is painted again in it. */
function languageSelect(failed) {
  const languages = state.config.languages.map((lang) => [lang.code, lang.name]);
  const language = select(languages, locale(), { onchange: async () => {
    const code = language.value;
    try {
      state.user = await patch("/api/me", { language: code });
      await setLocale(code);
      languageChanged(code).catch(() => {});
      warmOfflineCopies();
      paintChrome();
      await dispatch();
    } catch (error) {
      language.value = locale();
      failed(error);
    }
  } });
  return language;
}

/** The safety-alerts switch of this device, and its status line beside it. */
async function pushSwitch() {
  // Told beside the switch, where the traveler is looking (the page's status is at the top).
  const pushStatus = h("div", { "aria-live": "polite", id: "push-status" });
  const pushSay = (text, kind) => pushStatus.replaceChildren(notice(text, kind));
  const enabled = await pushEnabled();
  const blocker = pushBlocker();
  const notifications = switchControl(_("Safety alerts on this device"),
    (!enabled && blocker) || _("Alerts and “Are you safe?” questions from your embassy arrive as notifications, even when the app is closed."),
    enabled,
    async (event) => {
      const box = event.target;
      box.disabled = true;
      try {
        if (box.checked) {
          pushSay(_("Turning on alerts…"));
          await enablePush();
          pushSay(_("Safety alerts are on for this phone."));
        } else {
          await disablePush();
          pushSay(_("Safety alerts are off for this phone."));
        }
      } catch (error) {
        box.checked = !box.checked;
        pushSay(pushError(error), "error");
      } finally {
        box.disabled = !box.checked && Boolean(pushBlocker());  // e.g. permission now denied
      }
    });
  const toggle = notifications.querySelector("input");
  toggle.id = "push-toggle";
  notifications.querySelector("label").setAttribute("for", "push-toggle");
  if (!enabled && blocker) toggle.disabled = true;
  return [notifications, pushStatus];
}

/** Deleting the account needs the password; this device forgets everything after. */
function deleteAccountForm() {
  const form = h("form", { novalidate: true, class: "stack" },
    formStatus(),
    field(_("Your password"), input({ type: "password", autocomplete: "current-password" }),
          { path: "password", hint: _("Deleting your account removes your trips and all your data. This cannot be undone.") }),
    h("button", { type: "submit", class: "button danger" }, _("Delete my account")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = form.querySelector('[data-path="password"]').value;
    try {
      await del("/api/me", { password });
      await disablePush().catch(() => {});
      await signedOut();
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  });
  return form;
}

function signOutButton(failed) {
  return h("button", { type: "button", class: "button", id: "sign-out", onclick: async () => {
    try {
      // This phone stops getting my alerts before I leave it (it may be someone else's next).
      await disablePush().catch(() => {});
      await post("/api/auth/logout");
      await signedOut();
    } catch (error) {
      failed(error);
    }
  } }, _("Sign out of this device"));
}

export async function settingsView() {
  if (!requireUser()) return;
  const user = state.user;
  const status = h("div", { "aria-live": "polite" });
  const say = (text, kind) => status.replaceChildren(notice(text, kind));
  const failed = (error) => say(error.offline
    ? _("You are offline. Try again when you are back online.") : error.message, "error");
  const language = languageSelect(failed);
  const notifications = await pushSwitch();
  const consent = profileSwitch("consent-toggle", "location_consent",
    _("Keep my position for area alerts and follow me during an SOS"),
    _("Every SOS sends your position at the moment you ask for help, whatever this setting says. With this on, your embassy also keeps this phone's latest position, so alerts about danger where you are reach you, and the app sends your position every few minutes while an SOS is open. Turning it off stops both and deletes the positions kept."),
    say, failed);
  const emailAll = profileSwitch("email-all-toggle", "email_all_alerts",
    _("Every alert by email too"),
    _("Severe and Extreme alerts and every “Are you safe?” question come by email anyway once your address is confirmed; with this on, every other alert does too."),
    say, failed);
  const deleteForm = deleteAccountForm();  // here, as before: generated field ids keep their order

  const phoneCheck = phoneConfirmation();
  render(h("h1", {}, _("Settings")), status,
    section(_("Account"), emailSettings(),
      profileForm(user, say, phoneCheck), phoneCheck.box, passwordForm(say)),
    section(_("Language"), field(_("Language of the app and of your alerts"), language)),
    section(_("Notifications"), ...notifications, emailAll),
    section(_("Privacy"), consent,
      h("p", {}, h("a", { href: "/api/me/export", download: "compatriot-export.json",
                          class: "button" }, _("Download my data")))),
    section(_("Sign out"), signOutButton(failed)),
    section(_("Delete my account"), deleteForm));
}

/** "Your number is not confirmed": ask for a code by SMS, type it in. `box` is the element,
 * `codeSent()` shows the code field once a code went (after a change of number). */
function phoneConfirmation() {
  const box = h("div", { class: "card phone-check", id: "phone-check" });
  const form = h("form", { novalidate: true, class: "stack", hidden: true },
    formStatus(),
    field(_("Code from the text message"), input({ inputmode: "numeric", autocomplete: "one-time-code",
                                                  dir: "ltr", maxlength: 6 }), { path: "code" }),
    h("button", { type: "submit", class: "button primary" }, _("Confirm my number")));
  const line = h("p", {});
  const send = h("button", { type: "button", class: "button", id: "phone-send-code" },
    _("Text me a code"));
  const paint = () => {
    const user = state.user;
    box.hidden = !user.phone || user.phone_verified;
    line.replaceChildren(...withNumber(_("Your number {number} is not confirmed yet."),
                                       user.phone_display || user.phone || ""));
  };
  const codeSent = async () => {
    try {
      await post("/api/me/phone/code");
      form.hidden = false;
      clearErrors(form);
      form.querySelector("input").focus();
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
      form.hidden = false;
    }
  };
  send.addEventListener("click", () => codeSent().catch(() => {}));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      state.user = await post("/api/me/phone/verify", { code: form.querySelector("input").value });
      box.replaceChildren(notice(_("Your number is confirmed.")));
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  });
  box.append(line, send, form);
  paint();
  return { box, codeSent, paint };
}

/** Name and phone number; only what changed is sent (a new number must be confirmed again). */
function profileForm(user, say, phoneCheck) {
  const form = h("form", { novalidate: true, class: "stack", id: "profile-form" },
    formStatus(),
    field(_("Full name"), input({ autocomplete: "name", value: user.name }), { path: "name" }),
    field(_("Mobile phone"), input({ type: "tel", autocomplete: "tel", dir: "ltr", value: user.phone_display || "" }),
          { path: "phone", hint: _("With the country code, for example +86 138 0013 8000.") }),
    h("button", { type: "submit", class: "button" }, _("Save name and phone")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    for (const path of ["name", "phone"]) {
      const value = form.querySelector('[data-path="' + path + '"]').value.trim();
      if (value !== (state.user[path + (path === "phone" ? "_display" : "")] || "")) changes[path] = value;
    }
    if (!Object.keys(changes).length) return;
    try {
      state.user = await patch("/api/me", changes);
      clearErrors(form);
      form.querySelector('[data-path="phone"]').value = state.user.phone_display || "";
      phoneCheck.paint();
      if (changes.phone && !state.user.phone_verified) {
        say(_("Saved. We are sending a code to your new number to confirm it."));
        await phoneCheck.codeSent();
      } else {
        say(_("Saved."));
      }
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  });
  return form;
}

/** A new password needs the current one; every other session of mine ends. */
function passwordForm(say) {
  const form = h("form", { novalidate: true, class: "stack", id: "password-form" },
    h("h3", {}, _("Change my password")),
    formStatus(),
    field(_("Current password"), input({ type: "password", autocomplete: "current-password" }),
          { path: "current_password" }),
    field(_("New password"), input({ type: "password", autocomplete: "new-password" }),
          { path: "new_password", hint: _("At least 10 characters. You stay signed in here; every other device is signed out.") }),
    h("button", { type: "submit", class: "button" }, _("Change password")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (path) => form.querySelector('[data-path="' + path + '"]').value;
    try {
      await post("/api/me/password", { current_password: value("current_password"),
                                       new_password: value("new_password") });
      form.reset();
      clearErrors(form);
      say(_("Password changed. Other devices are signed out."));
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  });
  return form;
}

async function signedOut() {
  state.user = null;
  await forgetAll().catch(() => {});
  paintChrome();
  go("/welcome");
}

