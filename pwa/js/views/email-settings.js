// Settings, my email address: whether it is confirmed, the new one waiting for its link (with
// "send again"), and the form that asks for a change (the old address stays until then).
import { post } from "../api.js";
import { h, notice, withIsolated } from "../dom.js";
import { clearErrors, field, formStatus, input, showErrors } from "../forms.js";
import { _ } from "../i18n.js";
import { state } from "../state.js";

export function emailSettings() {
  const box = h("div", { class: "stack", id: "email-settings" });
  const status = h("div", { "aria-live": "polite", id: "email-status" });
  const say = (text, kind) => status.replaceChildren(notice(text, kind));
  const resend = h("button", { type: "button", class: "button", id: "email-resend" },
    _("Send the link again"));
  resend.addEventListener("click", async () => {
    resend.disabled = true;
    try {
      await post("/api/me/email/confirm");
      say(_("Sent again. It can take a few minutes to arrive."));
    } catch (error) {
      say(error.offline ? _("You are offline. Try again when you are back online.") : error.message,
          "error");
    } finally {
      resend.disabled = false;
    }
  });
  const line = h("div", {});
  const paint = () => {
    const user = state.user;
    const parts = [h("p", {}, ...withIsolated(_("Your address: {address}"), "address", user.email),
      " ", h("span", { class: user.email_verified ? "badge badge-current" : "badge badge-waiting",
                       id: "email-state" },
             user.email_verified ? _("confirmed") : _("not confirmed yet")))];
    if (user.pending_email) {
      parts.push(h("p", { id: "email-pending" }, ...withIsolated(
        _("Waiting for confirmation of {address}: open the link we sent there. Until then, your messages go to the address above."),
        "address", user.pending_email)));
    }
    line.replaceChildren(...parts);
    resend.hidden = user.email_verified && !user.pending_email;
  };

  const form = h("form", { novalidate: true, class: "stack", id: "email-form" },
    h("h3", {}, _("Change my email address")),
    formStatus(),
    field(_("New email address"), input({ type: "email", autocomplete: "email", dir: "ltr" }),
          { path: "email", hint: _("It replaces the current one once you open the link we send to it.") }),
    h("button", { type: "submit", class: "button" }, _("Change email")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const control = form.querySelector('[data-path="email"]');
    try {
      state.user = await post("/api/me/email", { email: control.value.trim() });
      form.reset();
      clearErrors(form);
      paint();
      say(_("Sent. Open the link in that mailbox to confirm it."));
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  });
  paint();
  box.append(line, status, resend, form);
  return box;
}
