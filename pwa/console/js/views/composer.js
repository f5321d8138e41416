// The alert composer: area on the map, CAP fields, texts per language, audience, workflow.
// The parts live in ../composer/; what the officer may do next is the server's answer.
import { get, patch, post } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { clearErrors, formStatus, showErrors } from "/js/forms.js";
import { isolate } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { go } from "/js/router.js";
import { apiAreas, areaEditor } from "../area-tools.js";
import { audiencePanel } from "../composer/audience.js";
import { alertFields } from "../composer/fields.js";
import { followHandoff } from "../composer/handoff.js";
import { workflowPanel } from "../composer/workflow.js";
import { canAct, screen, session } from "../session.js";

const AUDIENCE_DELAY = 600;
const DONE = { approve: () => _("Approved."),
               "request-approval": () => _("Approval requested: every colleague who may approve was told."),
               "send-back": () => _("Sent back to the drafter.") };

function defaults() {
  const now = new Date();
  return { status: "Actual", category: "Safety", event: "", urgency: "Expected",
           severity: "Moderate", certainty: "Likely", effective: now.toISOString(),
           expires: new Date(now.getTime() + 24 * 3600 * 1000).toISOString(), texts: [],
           areas: [], state: "draft" };
}

/** A new draft of a CAP Update: the sent alert's fields, texts and area, to be changed. */
function updateOf(original) {
  const now = new Date();
  const expires = new Date(original.expires) > now ? original.expires
    : new Date(now.getTime() + 24 * 3600 * 1000).toISOString();
  return { ...defaults(), status: original.status, category: original.category,
           event: original.event, urgency: original.urgency, severity: original.severity,
           certainty: original.certainty, expires, texts: original.texts, areas: original.areas,
           msg_type: "Update", references: original.id, updates: original };
}

const load = (alertId) => get("/api/staff/alerts/" + encodeURIComponent(alertId))
  .catch(() => null);

/** The alert to open, a new draft, or null (with the screen that says why already shown). */
async function openAlert({ id, updates }, show) {
  const back = h("p", {}, h("a", { href: "#/alerts" }, _("Back to alerts")));
  if (updates) {
    const original = await load(updates);
    if (original && original.sent_at && original.state !== "cancelled" && canAct()) {
      return updateOf(original);
    }
    show(h("section", {}, h("h1", {}, _("Send an update")),
      notice(_("Only a sent alert of your mission can be updated."), "error"), back));
    return null;
  }
  const alert = id ? await load(id) : defaults();
  if (!alert) show(h("section", {}, h("h1", {}, _("Alert not found")), back));
  return alert;
}

/** Which severities need a second person, for a draft the server has not seen yet. */
const twoPersonSeverities = () => get("/api/staff/alerts/rules")
  .then((rules) => rules.two_person_severities).catch(() => []);

function titleOf(alert) {
  if (alert.msg_type === "Update") {
    return alert.id ? _("Alert {id}: update to alert {original}", { id: alert.id,
                                                                   original: alert.references })
      : _("Update to alert {original}: {event}", { original: alert.references,
                                                   event: isolate(alert.event) });
  }
  return alert.id ? _("Alert {id}: {event}", { id: alert.id, event: isolate(alert.event) })
    : _("New alert");
}

/** An update says what it updates; recipients see it replace the earlier notification. */
function updateNote(alert) {
  if (alert.msg_type !== "Update") return null;
  return h("p", { class: "notice notice-info", id: "update-note" },
    _("This is an update (CAP Update) of alert {original}: it goes out under the same approval rules, and replaces the earlier notification on the phones that received it.",
      { original: alert.references }), " ",
    h("a", { href: "#/alerts/" + alert.references }, _("Open the original alert")));
}

function layout(parts) {
  return [h("div", { class: "composer-grid" },
    h("div", { class: "composer-map" }, parts.mapPane),
    h("div", { class: "composer-side" },
      h("section", { class: "panel" }, h("h2", {}, _("Audience")), parts.audience),
      h("section", { class: "panel" }, h("h2", {}, _("Approval and sending")), parts.workflow),
      h("section", { class: "panel" }, parts.preview))),
  parts.fields];
}

/** The server's answer is the alert from now on: the title, workflow and audience follow. */
function saved(c, answer) {
  c.alert = answer;
  history.replaceState(null, "", "#/alerts/" + c.alert.id);
  c.heading.textContent = titleOf(c.alert);
  document.title = c.heading.textContent;
  c.paint();
  c.audience.count(c.alert.id);
}

/** Save the draft (create it first time); false when the server listed field errors. */
async function save(c) {
  const { alert, form } = c;
  clearErrors(form);
  const data = c.fields.body(c.editor ? c.editor.areas() : alert.areas || []);
  try {
    saved(c, alert.id ? await patch("/api/staff/alerts/" + alert.id, data)
      : await post("/api/staff/alerts", alert.msg_type === "Update"
        ? { ...data, msg_type: "Update", references: alert.references } : data));
    c.status.replaceChildren(notice(_("Draft saved."), "success"));
    return true;
  } catch (error) {
    if (!error.fields) throw error;
    showErrors(form, error);
    return false;
  }
}

// The audience is counted by the server for a saved alert: a changed area is saved first.
async function areaChanged(c, areas) {
  if (!c.editor) return undefined;  // the first paint of the saved area is not a change
  if (!c.alert.id || !c.editable) return c.audience.count(c.alert.id);
  clearTimeout(c.audienceTimer);
  c.audienceTimer = setTimeout(async () => {
    if (!areas.length) {
      c.audience.say(_("Choose an area."));
      return;
    }
    try {
      c.alert = await patch("/api/staff/alerts/" + c.alert.id, { areas: apiAreas(areas) });
      c.paint();
      c.audience.count(c.alert.id);
    } catch (error) {
      if (error.fields) showErrors(c.form, error);
    }
  }, AUDIENCE_DELAY);
  return undefined;
}

/** `confirmation`: a question, or a function resolving false (no), true or a body (yes). */
async function act(c, path, confirmation) {
  const ask = typeof confirmation === "function" ? confirmation
    : () => !confirmation || window.confirm(confirmation);
  const confirmed = await ask();
  if (!confirmed) return;
  clearErrors(c.form);
  try {
    const answer = await post("/api/staff/alerts/" + c.alert.id + "/" + path,
                              typeof confirmed === "object" ? confirmed : undefined);
    if (path === "send" || (path === "cancel" && answer.id !== c.alert.id)) {
      go("/alerts/" + answer.id + "/delivery");
      return;
    }
    c.alert = answer;
    c.status.replaceChildren(notice(DONE[path] ? DONE[path]() : _("Done."), "success"));
    c.paint();
  } catch (error) {
    if (!error.fields) throw error;
    showErrors(c.form, error);
  }
}

/** The screen's parts around `alert`; `c.alert` is replaced by each answer of the server. */
function composerParts(alert, severities) {
  const editable = canAct() && ["draft", "approved"].includes(alert.state);
  const languages = session.config.languages;
  const c = { alert, editable, editor: null, audienceTimer: null,
              form: h("form", { novalidate: true, class: "composer-form", id: "composer-form" }),
              status: formStatus(), mapPane: h("div", { class: "map-pane" }),
              heading: h("h1", {}, titleOf(alert)), audience: audiencePanel(languages) };
  c.fields = alertFields(alert, { editable, languages, ministry: session.config.ministry_name,
                                  onSeverity: () => c.paint() });
  c.workflow = workflowPanel({ save: () => save(c), act: (path, text) => act(c, path, text) });
  c.paint = () => c.workflow.paint(c.alert, {
    editable, twoPerson: severities.includes(c.fields.severity()) });
  return c;
}

/** `id`: an alert to open; `updates`: a sent alert to write an update of; neither: new. */
export async function composerView(params) {
  const show = screen();
  const alert = await openAlert(params, show);
  if (!alert) return;
  const c = composerParts(alert, alert.id ? [] : await twoPersonSeverities());
  const { form, status } = c;
  // One form around the whole screen, so errors are listed at the top, next to the title.
  form.append(...[c.heading, updateNote(alert), status].filter(Boolean), ...layout({
    mapPane: c.mapPane, audience: c.audience.element, workflow: c.workflow.element,
    preview: c.fields.preview, fields: c.fields.element }));
  form.addEventListener("submit", (event) => event.preventDefault());
  if (!show(h("section", { class: "composer" }, form))) return;
  c.paint();
  c.fields.showPreview();
  c.editor = await areaEditor(c.mapPane, { initial: alert.areas || [], editable: c.editable,
                                           onChange: (areas) => areaChanged(c, areas) });
  c.audience.count(c.alert.id);
  followHandoff(c.alert.id, () => document.contains(form), async (text) => {
    c.alert = await load(c.alert.id) || c.alert;
    status.replaceChildren(notice(text, "info"));
    c.paint();
  });
}
