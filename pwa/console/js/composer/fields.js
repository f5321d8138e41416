// The composer's CAP fields and texts, with the notification preview: the controls, and the
// body the API takes from them.
import { h } from "/js/dom.js";
import { field, input, select } from "/js/forms.js";
import { _ } from "/js/i18n.js";
import { apiAreas } from "../area-tools.js";
import {
  categories, certainties, fromLocalInput, notificationPreview, severities, statuses, textTabs,
  toLocalInput, urgencies,
} from "../alert-fields.js";

function capControls(alert, editable) {
  const cap = {
    status: select(statuses(), alert.status),
    category: select(categories(), alert.category),
    event: input({ value: alert.event, maxlength: 100 }),
    urgency: select(urgencies(), alert.urgency),
    severity: select(severities(), alert.severity, { id: "severity" }),
    certainty: select(certainties(), alert.certainty),
    effective: input({ type: "datetime-local", value: toLocalInput(alert.effective) }),
    expires: input({ type: "datetime-local", value: toLocalInput(alert.expires) }),
  };
  for (const el of Object.values(cap)) el.disabled = !editable;
  return cap;
}

function capFieldset(cap) {
  return h("fieldset", { class: "cap-grid" }, h("legend", {}, _("Alert (CAP)")),
    field(_("Event"), cap.event, { path: "event", hint: _("For example: Flooding, Civil unrest.") }),
    field(_("Category"), cap.category, { path: "category" }),
    field(_("Severity"), cap.severity, { path: "severity" }),
    field(_("Urgency"), cap.urgency, { path: "urgency" }),
    field(_("Certainty"), cap.certainty, { path: "certainty" }),
    field(_("Status"), cap.status, { path: "status" }),
    field(_("Takes effect"), cap.effective, { path: "effective" }),
    field(_("Expires"), cap.expires, { path: "expires" }));
}

/**
 * The fields of `alert` (disabled unless `editable`); `onSeverity()` runs when the severity
 * changes. Returns {element, preview, severity(), showPreview(), body(areas)}.
 */
export function alertFields(alert, { editable, languages, ministry, onSeverity }) {
  const cap = capControls(alert, editable);
  const preview = notificationPreview(ministry);
  const texts = textTabs(languages, alert.texts, { editable, onInput: showPreview });

  function showPreview(code) {
    const lang = languages.find((l) => l.code === (code || texts.selected())) || languages[0];
    const c = texts.controls[lang.code];
    preview.show({ headline: c.headline.value, description: c.description.value, dir: lang.dir,
                   lang: lang.code.replace("_", "-"), severity: cap.severity.value });
  }
  cap.severity.addEventListener("change", () => { showPreview(); onSeverity(); });

  const body = (areas) => ({
    status: cap.status.value, category: cap.category.value, event: cap.event.value.trim(),
    urgency: cap.urgency.value, severity: cap.severity.value, certainty: cap.certainty.value,
    effective: fromLocalInput(cap.effective.value), expires: fromLocalInput(cap.expires.value),
    texts: texts.values(), areas: apiAreas(areas),
  });
  const element = h("div", { class: "composer-fields" }, capFieldset(cap),
    h("fieldset", {}, h("legend", {}, _("Text")),
      h("p", { class: "hint" }, _("English is required; travelers get their own language when it is given, else English.")),
      texts.element));
  return { element, preview: preview.element, severity: () => cap.severity.value, showPreview,
           body };
}
