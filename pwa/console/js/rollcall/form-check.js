// The new roll call, checked before asking: each missing part named (the server checks again).
import { _ } from "/js/i18n.js";

/** An error in the shape showErrors takes, or null when nothing is missing. */
export function missingParts(body) {
  const fields = {};
  if (!body.areas.length) fields.areas = [_("Area: choose at least one on the map.")];
  if (!body.texts.some((t) => t.language === "en")) {
    fields.texts = [_("Question: the English question is required.")];
  }
  if (!body.deadline) fields.deadline = [_("Deadline: give a date and time.")];
  return Object.keys(fields).length
    ? { message: _("The roll call cannot start yet:"), fields } : null;
}

/** Fill each language's box with the pre-written question (staff edit it). */
export function prefill(questions, template) {
  for (const q of questions) {
    const found = (template || []).find((t) => t.language === q.lang.code);
    if (found && !q.box.value) q.box.value = found.question;
  }
}

/** A roll call prepared elsewhere (from a hazard event) for this form, used once. */
export function takeDraft() {
  const raw = sessionStorage.getItem("console.rollcall.draft");
  sessionStorage.removeItem("console.rollcall.draft");
  try {
    return raw ? JSON.parse(raw) : null;
  } catch (error) {
    return null;
  }
}
