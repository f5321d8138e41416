// After sign-up ("check your inbox", resend) and a forgotten password (ask for a link, set a
// new password with it). The answers never say whether an address has an account.
import { post } from "../api.js";
import { h, notice, render, withIsolated } from "../dom.js";
import { field, formStatus, input } from "../forms.js";
import { _ } from "../i18n.js";
import { go } from "../router.js";
import { SIGNUP_ADDRESS, submitButton, submitting } from "./auth.js";

export function checkInboxView() {
  const address = sessionStorage.getItem(SIGNUP_ADDRESS);
  if (!address) {
    go("/signup");
    return;
  }
  const status = h("div", { "aria-live": "polite", id: "resend-status" });
  const resend = h("form", { novalidate: true, class: "stack" }, formStatus(),
    submitButton(_("Send the link again")));
  resend.querySelector("button").id = "resend-signup";
  resend.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(resend, async () => {
      await post("/api/auth/signup/resend", { email: address });
      status.replaceChildren(notice(_("Sent again. It can take a few minutes to arrive.")));
    });
  });
  render(h("section", { id: "check-inbox" },
    h("h1", {}, _("Check your inbox")),
    h("p", {}, ...withIsolated(_("We sent a link to {address}."), "address", address)),
    h("p", {}, _("Open it to finish creating your account: you can sign in only after that. The link works for 48 hours.")),
    h("p", { class: "muted" }, _("Nothing arrived? Look in your spam folder, or check the address and sign up again.")),
    status, resend,
    h("p", {}, h("a", { href: "#/signup" }, _("Use another address")), " · ",
      h("a", { href: "#/login" }, _("Sign in")))));
}

export function forgotView() {
  const form = h("form", { novalidate: true, class: "stack", id: "forgot-form" },
    formStatus(),
    field(_("Email"), input({ type: "email", autocomplete: "email", required: true, dir: "ltr" }),
          { path: "email" }),
    submitButton(_("Send me a link")));
  const status = h("div", { "aria-live": "polite", id: "forgot-status" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const email = form.querySelector('[data-path="email"]').value.trim();
    submitting(form, async () => {
      await post("/api/auth/forgot", { email });
      status.replaceChildren(notice(_("If an account has this address, a link to choose a new password is on its way. It works once, for one hour.")));
    });
  });
  render(h("section", {},
    h("h1", {}, _("Forgot your password?")),
    h("p", {}, _("Enter the address of your account: we will email you a link to choose a new password.")),
    form, status,
    h("p", {}, h("a", { href: "#/login" }, _("Back to sign in")))));
}

/** "#/reset?token=...": the link from the reset email. */
export function resetView(params, query) {
  const token = query.get("token") || "";
  const form = h("form", { novalidate: true, class: "stack", id: "reset-form" },
    formStatus(),
    field(_("New password"), input({ type: "password", autocomplete: "new-password", required: true }),
          { path: "password", hint: _("At least 10 characters. Every device signed in to your account is signed out.") }),
    submitButton(_("Set my new password")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      await post("/api/auth/reset", { token, password: form.querySelector('[data-path="password"]').value });
      go("/login?reset=1");
    });
  });
  render(h("section", {},
    h("h1", {}, _("Choose a new password")), form,
    h("p", {}, h("a", { href: "#/forgot" }, _("Ask for a new link")))));
}
