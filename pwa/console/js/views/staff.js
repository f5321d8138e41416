// Staff accounts (admins): who has access, with which role and mission; create an account,
// disable or re-enable it, have its authenticator set up again, set a new password (staff
// never get a reset link by email). The server refuses everyone else (403); the link is shown
// to admins only.
import { get, patch, post } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { formatDateTime } from "/js/format.js";
import { clearErrors, field, formStatus, input, select, showErrors } from "/js/forms.js";
import { _ } from "/js/i18n.js";
import { roleLabel } from "../frame.js";
import { isAdmin, screen, session } from "../session.js";

const ROLES = ["officer", "viewer", "admin"];

function stateText(user) {
  if (user.disabled) return _("Disabled");
  return user.locked_until && new Date(user.locked_until) > new Date()
    ? _("Locked until {time}", { time: formatDateTime(user.locked_until) }) : _("Active");
}

/** The buttons of another admin's row: `change(user, body, confirmText)`, `openPassword(user)`. */
function rowActions(user, { change, openPassword }) {
  return h("div", { class: "row-actions" }, h("button", { type: "button", class: "button small " + (user.disabled ? "" : "danger-outline"),
    "data-action": user.disabled ? "enable" : "disable",
    onclick: () => change(user, { disabled: !user.disabled }, user.disabled ? null
      : _("Disable {email}? They are signed out at once.", { email: user.email })) },
    user.disabled ? _("Enable") : _("Disable")),
  user.totp_enrolled ? h("button", { type: "button", class: "button small",
    "data-action": "reset-totp",
    onclick: () => change(user, { reset_totp: true },
      _("Reset the authenticator of {email}? They set it up again at their next sign-in.",
        { email: user.email })) }, _("Reset authenticator")) : null,
  h("button", { type: "button", class: "button small", "data-action": "set-password",
    onclick: () => openPassword(user) }, _("Set password")));
}

function staffRow(user, actions) {
  return h("tr", { "data-id": user.id,
    "data-email": user.email, class: user.disabled ? "disabled" : null },
  h("td", {}, user.name), h("td", { dir: "ltr", class: "email" }, user.email),
  h("td", { "data-role": user.role }, roleLabel(user.role)),
  h("td", {}, user.embassy ? user.embassy.name : _("All missions")),
  h("td", { "data-enrolled": String(user.totp_enrolled) }, user.totp_enrolled
    ? _("Set up") : _("At first sign-in")),
  h("td", { "data-state": user.disabled ? "disabled" : "active" }, stateText(user)),
  h("td", {}, user.id === session.me.id ? h("span", { class: "muted" }, _("You"))
    : rowActions(user, actions)));
}

function staffTable(tbody) {
  return h("div", { class: "table-wrap" }, h("table", { class: "data", id: "staff-table" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, _("Name")), h("th", { scope: "col" }, _("Email")),
      h("th", { scope: "col" }, _("Role")), h("th", { scope: "col" }, _("Mission")),
      h("th", { scope: "col" }, _("Authenticator")), h("th", { scope: "col" }, _("State")),
      h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, _("Actions"))))),
    tbody));
}

/** One panel under the table: the new password for the account whose button was pressed.
 * `open(user)` shows its form; `done(user)` runs once the password is set. */
function passwordPanel(done) {
  const element = h("section", { class: "panel", id: "staff-password", hidden: true });
  const close = () => { element.hidden = true; element.replaceChildren(); };
  function open(user) {
    const password = input({ type: "password", autocomplete: "new-password", maxlength: 128,
                             dir: "ltr" });
    const form = h("form", { novalidate: true, class: "stack", id: "staff-password-form" },
      h("h2", {}, _("New password for {email}", { email: user.email })),
      formStatus(),
      field(_("New password"), password, { path: "password",
        hint: _("At least 12 characters. Give it to them in person. They are signed out everywhere; their authenticator stays.") }),
      h("div", { class: "row-actions" },
        h("button", { type: "submit", class: "button primary" }, _("Set password")),
        h("button", { type: "button", class: "button", "data-action": "cancel-password",
          onclick: close }, _("Cancel"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      try {
        await post("/api/staff/users/" + user.id + "/password", { password: password.value });
        close();
        done(user);
      } catch (error) {
        showErrors(form, error);
      }
    });
    element.replaceChildren(form);
    element.hidden = false;
    password.focus();
  }
  return { element, open };
}

/** The form for a new account; `created(user)` runs with the server's answer. */
function newAccountForm(missions, created) {
  const controls = {
    name: input({ autocomplete: "off", maxlength: 200 }),
    email: input({ type: "email", autocomplete: "off", maxlength: 254, dir: "ltr" }),
    role: select(ROLES.map((role) => [role, roleLabel(role)]), "officer"),
    embassy_id: select(missions.map((m) => [String(m.id), m.name]), "",
                       { empty: _("None (administrators only)") }),
    password: input({ type: "password", autocomplete: "new-password", maxlength: 128 }),
  };
  const form = h("form", { novalidate: true, class: "stack staff-form", id: "staff-form" },
    h("h2", {}, _("New staff account")),
    formStatus(),
    field(_("Name"), controls.name, { path: "name" }),
    field(_("Email"), controls.email, { path: "email" }),
    field(_("Role"), controls.role, { path: "role", hint: _("Duty officers act for their mission; viewers only read; administrators manage everything.") }),
    field(_("Mission"), controls.embassy_id, { path: "embassy_id" }),
    field(_("First password"), controls.password, { path: "password",
      hint: _("At least 12 characters. Give it to them in person; at their first sign-in they scan a QR code to set up their authenticator app.") }),
    h("button", { type: "submit", class: "button primary" }, _("Create account")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const mission = controls.embassy_id.value;
    try {
      const user = await post("/api/staff/users", {
        name: controls.name.value.trim(), email: controls.email.value.trim(),
        role: controls.role.value, embassy_id: mission ? Number(mission) : null,
        password: controls.password.value });
      form.reset();
      created(user);
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

/** The accounts and missions, or null (with the screen that says why already shown). */
async function loadStaff(show) {
  const refused = (text) => show(h("section", {}, h("h1", {}, _("Staff accounts")),
    notice(text, "error")));
  if (!isAdmin()) {
    refused(_("Only administrators manage staff accounts."));
    return null;
  }
  try {
    const [missions, users] = await Promise.all([get("/api/embassies"), get("/api/staff/users")]);
    return { missions, users };
  } catch (error) {
    refused(error.message || _("Something went wrong. Please try again."));
    return null;
  }
}

export async function staffView() {
  const show = screen();
  const loaded = await loadStaff(show);
  if (!loaded) return;
  let users = loaded.users;
  const status = h("div", { "aria-live": "polite", id: "staff-status" });
  const say = (text, kind) => status.replaceChildren(notice(text, kind));
  const tbody = h("tbody", {});
  const password = passwordPanel((user) => say(
    _("New password set for {email}. They were signed out.", { email: user.email }), "success"));

  async function change(user, body, confirmText) {
    if (confirmText && !window.confirm(confirmText)) return;
    try {
      const changed = await patch("/api/staff/users/" + user.id, body);
      users = users.map((u) => (u.id === changed.id ? changed : u));
      paintRows();
      say(_("Saved."), "success");
    } catch (error) {
      say(error.message || _("Something went wrong. Please try again."), "error");
    }
  }
  const actions = { change, openPassword: password.open };
  function paintRows() {
    tbody.replaceChildren(...users.map((user) => staffRow(user, actions)));
  }
  const form = newAccountForm(loaded.missions, (created) => {
    users = [...users, created].sort((a, b) => a.email.localeCompare(b.email));
    paintRows();
    say(_("{email} can now sign in and set up their authenticator.", { email: created.email }),
        "success");
  });

  paintRows();
  show(h("section", { class: "staff" },
    h("h1", {}, _("Staff accounts")),
    h("p", { class: "hint" }, _("Every change here is recorded in the audit log.")),
    status,
    h("div", { class: "staff-grid" }, staffTable(tbody), h("section", { class: "panel" }, form)),
    password.element));
}
