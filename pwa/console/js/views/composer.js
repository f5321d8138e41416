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

/** `id`: an alert to open; `updates`: a sent alert to write an update of; neither: new. */
export async function composerView(params) {
  const show = screen();
  let alert = await openAlert(params, show);
  if (!alert) return;
  const severities = alert.id ? [] : await twoPersonSeverities();
  const editable = canAct() && ["draft", "approved"].includes(alert.state);
  const languages = session.config.languages;
  const form = h("form", { novalidate: true, class: "composer-form", id: "composer-form" });
  const status = formStatus();
  const mapPane = h("div", { class: "map-pane" });
  const heading = h("h1", {}, titleOf(alert));
  const audience = audiencePanel(languages);
  const fields = alertFields(alert, { editable, languages, ministry: session.config.ministry_name,
                                      onSeverity: () => paintWorkflow() });
  const workflow = workflowPanel({ save: () => save(), act: (path, text) => act(path, text) });
  let editor = null;
  let audienceTimer = null;

  function paintWorkflow() {
    workflow.paint(alert, { editable, twoPerson: severities.includes(fields.severity()) });
  }

  /** The server's answer is the alert from now on: the title, workflow and audience follow. */
  function saved(answer) {
    alert = answer;
    history.replaceState(null, "", "#/alerts/" + alert.id);
    heading.textContent = titleOf(alert);
    document.title = heading.textContent;
    paintWorkflow();
    audience.count(alert.id);
  }

  async function save() {
    clearErrors(form);
    const data = fields.body(editor ? editor.areas() : alert.areas || []);
    try {
      saved(alert.id ? await patch("/api/staff/alerts/" + alert.id, data)
        : await post("/api/staff/alerts", alert.msg_type === "Update"
          ? { ...data, msg_type: "Update", references: alert.references } : data));
      status.replaceChildren(notice(_("Draft saved."), "success"));
      return true;
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
      return false;
    }
  }

  // The audience is counted by the server for a saved alert: a changed area is saved first.
  async function areaChanged(areas) {
    if (!editor) return undefined;  // the first paint of the saved area is not a change
    if (!alert.id || !editable) return audience.count(alert.id);
    clearTimeout(audienceTimer);
    audienceTimer = setTimeout(async () => {
      if (!areas.length) {
        audience.say(_("Choose an area."));
        return;
      }
      try {
        alert = await patch("/api/staff/alerts/" + alert.id, { areas: apiAreas(areas) });
        paintWorkflow();
        audience.count(alert.id);
      } catch (error) {
        if (error.fields) showErrors(form, error);
      }
    }, AUDIENCE_DELAY);
    return undefined;
  }

  /** `confirmation`: a question, or a function resolving false (no), true or a body (yes). */
  async function act(path, confirmation) {
    const ask = typeof confirmation === "function" ? confirmation
      : () => !confirmation || window.confirm(confirmation);
    const confirmed = await ask();
    if (!confirmed) return;
    clearErrors(form);
    try {
      const answer = await post("/api/staff/alerts/" + alert.id + "/" + path,
                                typeof confirmed === "object" ? confirmed : undefined);
      if (path === "send" || (path === "cancel" && answer.id !== alert.id)) {
        go("/alerts/" + answer.id + "/delivery");
        return;
      }
      alert = answer;
      status.replaceChildren(notice(DONE[path] ? DONE[path]() : _("Done."), "success"));
      paintWorkflow();
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  }

  // One form around the whole screen, so errors are listed at the top, next to the title.
  form.append(...[heading, updateNote(alert), status].filter(Boolean), ...layout({
    mapPane, audience: audience.element, workflow: workflow.element, preview: fields.preview,
    fields: fields.element }));
  form.addEventListener("submit", (event) => event.preventDefault());
  if (!show(h("section", { class: "composer" }, form))) return;
  paintWorkflow();
  fields.showPreview();
  editor = await areaEditor(mapPane, { initial: alert.areas || [], editable,
                                       onChange: areaChanged });
  audience.count(alert.id);
  followHandoff(alert.id, () => document.contains(form), async (text) => {
    alert = await load(alert.id) || alert;
    status.replaceChildren(notice(text, "info"));
    paintWorkflow();
  });
}
