// Sign up and sign in.
import { post } from "../api.js";
import { paintChrome } from "../chrome.js";
import { h, render } from "../dom.js";
import { field, formStatus, input, showErrors } from "../forms.js";
import { _, locale, setLocale } from "../i18n.js";
import { go } from "../router.js";
import { openCase, sendNow } from "../sos.js";
import { state, warmOfflineCopies } from "../state.js";

function submitButton(text) {
  return h("button", { type: "submit", class: "button primary" }, text);
}

async function submitting(form, work) {
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
      await signedIn(await post("/api/auth/signup", {
        email: value("email"), password: value("password"), name: value("name"),
        phone: value("phone"), language: locale(),
      }));
    });
  });
  render(h("section", {},
    h("h1", {}, _("Create an account")), form,
    h("p", {}, _("Already registered?"), " ", h("a", { href: "#/login" }, _("Sign in")))));
}

export function loginView() {
  const form = h("form", { novalidate: true, class: "stack" },
    formStatus(),
    field(_("Email"), input({ type: "email", autocomplete: "username", required: true }),
          { path: "email" }),
    field(_("Password"),
          input({ type: "password", autocomplete: "current-password", required: true }),
          { path: "password" }),
    submitButton(_("Sign in")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = (path) => form.querySelector('[data-path="' + path + '"]').value;
    submitting(form, async () => {
      await signedIn(await post("/api/auth/login", { email: value("email"), password: value("password") }));
    });
  });
  render(h("section", {},
    h("h1", {}, _("Sign in")), form,
    h("p", {}, _("New here?"), " ", h("a", { href: "#/signup" }, _("Create an account")))));
}
