// Sign up and sign in (the screens after sign-up and for a forgotten password: recovery.js).
import { post } from "../api.js";
import { paintChrome } from "../chrome.js";
import { h, notice, render } from "../dom.js";
import { field, formStatus, input, showErrors } from "../forms.js";
import { _, locale, setLocale } from "../i18n.js";
import { go } from "../router.js";
import { openCase, sendNow } from "../sos.js";
import { state, warmOfflineCopies } from "../state.js";

export const SIGNUP_ADDRESS = "compatriot-signup-address";

export function submitButton(text) {
  return h("button", { type: "submit", class: "button primary" }, text);
}

export async function submitting(form, work) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await work();
  } catch (error) {
    if (!error.fields) throw error;
    showErrors(form, error);
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

async function signedIn(user) {
  state.user = user;
  sessionStorage.removeItem(SIGNUP_ADDRESS);
  if (user.language && user.language !== locale()) {
    await setLocale(user.language).catch(() => {});
  }
  paintChrome();
  warmOfflineCopies();
  // An SOS held on this phone while signed out goes now, and its screen says how it stands.
  const held = await openCase().catch(() => null);
  if (held && held.state === "queued") {
    sendNow().catch(() => {});
    go("/sos");
    return;
  }
  go("/trips");
}

export function signupView() {
  const form = h("form", { novalidate: true, class: "stack" },
    formStatus(),
    field(_("Email"), input({ type: "email", autocomplete: "email", required: true }),
          { path: "email" }),
    field(_("Password"), input({ type: "password", autocomplete: "new-password", required: true }),
          { path: "password", hint: _("At least 10 characters.") }),
    field(_("Full name"), input({ autocomplete: "name", required: true }), { path: "name" }),
    field(_("Mobile phone"), input({ type: "tel", autocomplete: "tel", required: true, dir: "ltr" }),
          { path: "phone", hint: _("With the country code, for example +86 138 0013 8000.") }),
    submitButton(_("Create my account")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = (path) => form.querySelector('[data-path="' + path + '"]').value;
    submitting(form, async () => {
      // No account yet: it is made when the link mailed to the address is opened.
      await post("/api/auth/signup", {
        email: value("email"), password: value("password"), name: value("name"),
        phone: value("phone"), language: locale(),
      });
      sessionStorage.setItem(SIGNUP_ADDRESS, value("email").trim());
      go("/check-inbox");
    });
  });
  render(h("section", {},
    h("h1", {}, _("Create an account")), form,
    h("p", {}, _("Already registered?"), " ", h("a", { href: "#/login" }, _("Sign in")))));
}

/** Sign in; `query` may say why the screen is shown (`reset=1`: the password was just set). */
export function loginView(params, query) {
  const form = h("form", { novalidate: true, class: "stack" },
    formStatus(),
    query && query.get("reset") ? notice(_("Your password was changed. Sign in with the new one.")) : null,
    field(_("Email"), input({ type: "email", autocomplete: "username", required: true }),
          { path: "email" }),
    field(_("Password"),
          input({ type: "password", autocomplete: "current-password", required: true }),
          { path: "password" }),
    submitButton(_("Sign in")),
    h("p", {}, h("a", { href: "#/forgot", id: "forgot-link" }, _("Forgot password?"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = (path) => form.querySelector('[data-path="' + path + '"]').value;
    submitting(form, async () => {
      try {
        await signedIn(await post("/api/auth/login", { email: value("email"), password: value("password") }));
      } catch (error) {
        // Just signed up on this phone: the account exists only once the mailed link is opened.
        if (error.status === 401 && sessionStorage.getItem(SIGNUP_ADDRESS) === value("email").trim()) {
          error.message = _("Your account is not created yet: first open the link we emailed to you.");
        }
        throw error;
      }
    });
  });
  render(h("section", {},
    h("h1", {}, _("Sign in")), form,
    h("p", {}, _("New here?"), " ", h("a", { href: "#/signup" }, _("Create an account")))));
}
