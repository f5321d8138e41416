// Form fields wired for screen readers, and API errors shown next to the field at fault.
import { h, nextId } from "./dom.js";
import { _ } from "./i18n.js";

/**
 * A labelled control. `path` names the API field ("email", "legs.0.country") so an error from
 * the server finds its place; `control` is an input/select/textarea element.
 */
export function field(label, control, { path, hint } = {}) {
  const id = control.id || nextId();
  control.id = id;
  if (path) control.dataset.path = path;
  if (!control.name && path) control.name = path;
  const errorId = id + "-error";
  const hintId = hint ? id + "-hint" : null;
  control.dataset.errorId = errorId;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    control,
    h("p", { class: "field-error", id: errorId, hidden: true }));
}

export function input(attrs = {}) {
  return h("input", { type: "text", ...attrs });
}

/** A <select> from [{code, name}] (or [value, label] pairs) with an optional empty first choice. */
export function select(options, value, { empty, ...attrs } = {}) {
  const el = h("select", attrs);
  if (empty !== undefined) el.append(h("option", { value: "" }, empty));
  for (const option of options) {
    const [code, name] = Array.isArray(option) ? option : [option.code, option.name];
    el.append(h("option", { value: code, selected: code === value }, name));
  }
  if (value !== undefined && value !== null) el.value = value;
  return el;
}

/** The place for the general message of a failed save, at the top of the form. */
export function formStatus() {
  return h("div", { class: "form-status", "aria-live": "assertive" });
}

export function clearErrors(form) {
  form.querySelectorAll("[aria-invalid]").forEach((el) => {
    el.removeAttribute("aria-invalid");
    const describedBy = (el.getAttribute("aria-describedby") || "").split(" ")
      .filter((id) => id && id !== el.dataset.errorId).join(" ");
    if (describedBy) el.setAttribute("aria-describedby", describedBy);
    else el.removeAttribute("aria-describedby");
  });
  form.querySelectorAll(".field-error").forEach((el) => { el.hidden = true; el.textContent = ""; });
  const status = form.querySelector(".form-status");
  if (status) status.replaceChildren();
}

/**
 * Show an ApiError: each field message next to its control (aria-invalid, aria-describedby),
 * the general message at the top; messages for fields the form does not show go on top too.
 * Nothing the user typed is touched. Focus goes to the first field at fault.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const status = form.querySelector(".form-status");
  const general = [];
  if (error.offline) {
    general.push(_("You are offline. What you typed is kept here; save again when you are back online."));
  } else {
    general.push(error.message || _("Something went wrong. Please try again."));
  }
  let first = null;
  for (const [path, messages] of Object.entries(error.fields)) {
    const control = form.querySelector('[data-path="' + CSS.escape(path) + '"]');
    const place = control && document.getElementById(control.dataset.errorId);
    if (!place) {
      general.push(...messages);
      continue;
    }
    place.textContent = messages.join(" ");
    place.hidden = false;
    control.setAttribute("aria-invalid", "true");
    const describedBy = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    control.setAttribute("aria-describedby", [...describedBy, place.id].join(" "));
    first = first || control;
  }
  if (status) {
    status.replaceChildren(h("div", { class: "notice notice-error", role: "alert" },
      general.map((text) => h("p", {}, text))));
  }
  if (first) first.focus();
  else if (status) status.scrollIntoView({ block: "nearest" });
}
