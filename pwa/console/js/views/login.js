// Staff sign-in: password, then the authenticator code; first time, enrolment with a QR code.
import { ApiError } from "/js/api.js";
import { h } from "/js/dom.js";
import { field, formStatus, input, showErrors, clearErrors } from "/js/forms.js";
import { _, languageTag } from "/js/i18n.js";
import { go } from "/js/router.js";
import { paintSignedIn } from "../frame.js";
import { expired, trackSession } from "../expiry.js";
import { loadMe, screen, session } from "../session.js";

/** POST JSON with the CSRF header; like api() but also hands back the response headers. */
export async function postRaw(path, body) {
  const token = (document.cookie.split("; ").find((c) => c.startsWith("csrf_token=")) || "")
    .slice("csrf_token=".length);
  let response;
  try {
    response = await fetch(path, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "Accept-Language": languageTag(), "X-CSRFToken": decodeURIComponent(token) },
    });
  } catch (error) {
    throw new ApiError(0, null, true);
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    error.retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw error;
  }
  return data;
}

/** "in 4 min 30 s" style wait, from seconds. */
export function waitText(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return _("{seconds} s", { seconds: rest });
  return _("{minutes} min {seconds} s", { minutes, seconds: rest });
}

async function signedIn() {
  trackSession(await loadMe());
  session.expired = false;
  paintSignedIn();
  go("/alerts");
}

/** The password form, with the code field hidden until the server asks for it. */
function loginForm() {
  const totpField = field(_("Authenticator code"),
    input({ inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}",
            maxlength: 6, dir: "ltr" }),
    { path: "totp", hint: _("The 6-digit code from your authenticator app.") });
  totpField.hidden = true;
  const lock = h("div", { class: "notice notice-error", role: "alert", id: "lockout", hidden: true });
  const submit = h("button", { type: "submit", class: "button primary" }, _("Sign in"));
  const form = h("form", { novalidate: true, class: "stack", id: "login-form" },
    formStatus(),
    lock,
    field(_("Email"), input({ type: "email", autocomplete: "username", required: true }),
          { path: "email" }),
    field(_("Password"), input({ type: "password", autocomplete: "current-password",
                                 required: true }), { path: "password" }),
    totpField,
    submit);
  return { form, totpField, lock, submit };
}

/** `showLockout(seconds)`: the lock notice counting down, sign-in disabled until it ends. */
function lockout({ lock, submit }) {
  let countdown = null;
  return function showLockout(seconds) {
    clearInterval(countdown);
    let left = Math.max(1, Math.ceil(seconds || 60));
    const paint = () => {
      lock.textContent = _("Too many failed attempts. This account is locked; try again in {wait}.",
                           { wait: waitText(left) });
    };
    lock.hidden = false;
    submit.disabled = true;
    paint();
    countdown = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(countdown);
        lock.hidden = true;
        submit.disabled = false;
        return;
      }
      paint();
    }, 1000);
  };
}

/** Email and password (and the code once asked for); `enrol(answer, credentials)` when the
 * server says the authenticator is to be set up first. */
function submitLogin(login, { showLockout, enrol }) {
  const { form, totpField, lock, submit } = login;
  const value = (path) => form.querySelector('[data-path="' + path + '"]').value.trim();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { email: value("email"), password: form.querySelector('[data-path="password"]').value };
    if (!totpField.hidden && value("totp")) body.totp = value("totp");
    submit.disabled = true;
    try {
      const answer = await postRaw("/api/staff/auth/login", body);
      if (answer && answer.enrolment_required) {
        enrol(answer, body);
      } else {
        await signedIn();
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 429) {
        showLockout(error.retryAfter);
        return;
      }
      if (error.fields.totp) {
        const first = totpField.hidden;
        totpField.hidden = false;
        if (first && !body.totp) {
          // Password accepted so far: now ask for the code, without an error yet.
          form.querySelector('[data-path="totp"]').focus();
          return;
        }
      }
      showErrors(form, error);
    } finally {
      if (lock.hidden) submit.disabled = false;
    }
  });
}

/** The QR code and key of the server's `answer`, then the first code; `locked(seconds)`
 * when too many codes were wrong. */
function showEnrolment(enrolment, answer, credentials, locked) {
  const code = input({ inputmode: "numeric", autocomplete: "one-time-code", maxlength: 6,
                       dir: "ltr" });
  const enrolForm = h("form", { novalidate: true, class: "stack", id: "enrol-form" },
    formStatus(),
    field(_("Authenticator code"), code,
          { path: "totp", hint: _("Enter the 6-digit code your app now shows.") }),
    h("button", { type: "submit", class: "button primary" }, _("Confirm and sign in")));
  const secret = answer.secret || new URL(answer.otpauth_uri).searchParams.get("secret") || "";
  const qr = (answer.qr_svg || "").startsWith("data:") ? answer.qr_svg
    : "data:image/svg+xml;charset=utf-8," + encodeURIComponent(answer.qr_svg || "");
  enrolment.replaceChildren(
    h("h2", {}, _("Set up two-step sign-in")),
    h("p", {}, _("Scan this code with an authenticator app (for example FreeOTP or Google Authenticator), then enter the code it shows.")),
    h("img", { class: "qr", id: "enrol-qr", alt: _("QR code for your authenticator app"),
               src: qr,
               width: 220, height: 220 }),
    h("p", { class: "hint" }, _("Cannot scan? Add this key by hand:")),
    h("p", { class: "mono", dir: "ltr", id: "enrol-secret" }, secret),
    h("details", {}, h("summary", {}, _("Setup link")),
      h("p", { class: "mono wrap", dir: "ltr", id: "enrol-uri" }, answer.otpauth_uri)),
    enrolForm);
  enrolment.hidden = false;
  code.focus();
  enrolForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(enrolForm);
    try {
      await postRaw("/api/staff/auth/enrol", { ...credentials, totp: code.value.trim() });
      await signedIn();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 429) {
        locked(error.retryAfter);
        return;
      }
      showErrors(enrolForm, error);
    }
  });
}

export function loginView() {
  const show = screen();
  const login = loginForm();
  const { form } = login;
  const enrolment = h("section", { class: "enrol", id: "enrol", hidden: true });
  const showLockout = lockout(login);
  submitLogin(login, { showLockout, enrol: (answer, credentials) => {
    form.hidden = true;
    showEnrolment(enrolment, answer, credentials, (seconds) => {
      enrolment.hidden = true;
      form.hidden = false;
      showLockout(seconds);
    });
  } });
  show(h("section", { class: "login" },
    h("h1", {}, _("Staff sign-in")),
    h("p", { class: "muted" }, _("For embassy and consulate staff. Every action is recorded.")),
    session.expired ? expired() : null,
    form, enrolment));
}
