// The alert composer: area on the map, CAP fields, texts per language, audience, workflow.
import { get, patch, post } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { clearErrors, field, formStatus, input, select, showErrors } from "/js/forms.js";
import { _ } from "/js/i18n.js";
import { go } from "/js/router.js";
import { apiAreas, areaEditor } from "../area-tools.js";
import {
  categories, certainties, fromLocalInput, notificationPreview, severities, stateLabel, statuses,
  textTabs, toLocalInput, urgencies,
} from "../alert-fields.js";
import { canAct, screen, session } from "../session.js";

const AUDIENCE_DELAY = 600;

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

/** `id`: an alert to open; `updates`: a sent alert to write an update of; neither: new. */
export async function composerView({ id, updates }) {
  const show = screen();
  const load = (alertId) => get("/api/staff/alerts/" + encodeURIComponent(alertId))
    .catch(() => null);
  let alert;
  if (updates) {
    const original = await load(updates);
    alert = original && original.sent_at && original.state !== "cancelled" && canAct()
      ? updateOf(original) : null;
  } else {
    alert = id ? await load(id) : defaults();
  }
  if (!alert && updates) {
    show(h("section", {}, h("h1", {}, _("Send an update")),
      notice(_("Only a sent alert of your mission can be updated."), "error"),
      h("p", {}, h("a", { href: "#/alerts" }, _("Back to alerts")))));
    return;
  }
  if (!alert) {
    show(h("section", {}, h("h1", {}, _("Alert not found")),
      h("p", {}, h("a", { href: "#/alerts" }, _("Back to alerts")))));
    return;
  }
  const editable = canAct() && ["draft", "approved"].includes(alert.state);
  const languages = session.config.languages;
  const form = h("form", { novalidate: true, class: "composer-form", id: "composer-form" });
  const status = formStatus();
  const audience = h("div", { class: "audience", id: "audience", "aria-live": "polite" });
  const workflow = h("div", { class: "workflow", id: "workflow" });
  const preview = notificationPreview(session.config.ministry_name);
  const mapPane = h("div", { class: "map-pane" });
  const severity = select(severities(), alert.severity, { id: "severity" });
  const cap = {
    status: select(statuses(), alert.status),
    category: select(categories(), alert.category),
    event: input({ value: alert.event, maxlength: 100 }),
    urgency: select(urgencies(), alert.urgency),
    severity,
    certainty: select(certainties(), alert.certainty),
    effective: input({ type: "datetime-local", value: toLocalInput(alert.effective) }),
    expires: input({ type: "datetime-local", value: toLocalInput(alert.expires) }),
  };
  for (const el of Object.values(cap)) el.disabled = !editable;
  const texts = textTabs(languages, alert.texts, { editable, onInput: showPreview });
  const fields = h("div", { class: "composer-fields" },
    h("fieldset", { class: "cap-grid" }, h("legend", {}, _("Alert (CAP)")),
      field(_("Event"), cap.event, { path: "event", hint: _("For example: Flooding, Civil unrest.") }),
      field(_("Category"), cap.category, { path: "category" }),
      field(_("Severity"), cap.severity, { path: "severity" }),
      field(_("Urgency"), cap.urgency, { path: "urgency" }),
      field(_("Certainty"), cap.certainty, { path: "certainty" }),
      field(_("Status"), cap.status, { path: "status" }),
      field(_("Takes effect"), cap.effective, { path: "effective" }),
      field(_("Expires"), cap.expires, { path: "expires" })),
    h("fieldset", {}, h("legend", {}, _("Text")),
      h("p", { class: "hint" }, _("English is required; travelers get their own language when it is given, else English.")),
      texts.element));

  function showPreview(code) {
    const lang = languages.find((l) => l.code === (code || texts.selected())) || languages[0];
    const c = texts.controls[lang.code];
    preview.show({ headline: c.headline.value, description: c.description.value, dir: lang.dir,
                   lang: lang.code.replace("_", "-"), severity: severity.value });
  }
  severity.addEventListener("change", () => { showPreview(); paintWorkflow(); });

  function body(areas) {
    return {
      status: cap.status.value, category: cap.category.value, event: cap.event.value.trim(),
      urgency: cap.urgency.value, severity: cap.severity.value, certainty: cap.certainty.value,
      effective: fromLocalInput(cap.effective.value), expires: fromLocalInput(cap.expires.value),
      texts: texts.values(), areas: apiAreas(areas),
    };
  }

  async function save() {
    clearErrors(form);
    const data = body(editor ? editor.areas() : alert.areas || []);
    try {
      alert = alert.id ? await patch("/api/staff/alerts/" + alert.id, data)
        : await post("/api/staff/alerts", alert.msg_type === "Update"
          ? { ...data, msg_type: "Update", references: alert.references } : data);
      history.replaceState(null, "", "#/alerts/" + alert.id);
      heading.textContent = title();
      document.title = heading.textContent;
      status.replaceChildren(notice(_("Draft saved."), "success"));
      paintWorkflow();
      countAudience();
      return true;
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
      return false;
    }
  }

  // The audience is counted by the server for a saved alert: a changed area is saved first.
  let audienceTimer = null;
  let audienceRun = 0;
  async function countAudience() {
    if (!alert.id) {
      audience.replaceChildren(h("p", { class: "muted" },
        _("Save the draft to count who it would reach.")));
      return;
    }
    const run = ++audienceRun;
    audience.setAttribute("aria-busy", "true");
    try {
      const found = await get("/api/staff/alerts/" + alert.id + "/audience");
      if (run !== audienceRun) return;
      const byLanguage = Object.entries(found.by_language || {}).map(([code, n]) => {
        const lang = languages.find((l) => l.code === code);
        return h("li", {}, (lang ? lang.name : code) + ": " + n);
      });
      audience.replaceChildren(
        h("p", { class: "audience-count" },
          h("strong", { id: "audience-travelers" }, String(found.travelers)), " ",
          _("travelers"), " · ", h("strong", { id: "audience-devices" }, String(found.devices)),
          " ", _("devices")),
        byLanguage.length ? h("ul", { class: "by-language" }, byLanguage) : null);
    } catch (error) {
      audience.replaceChildren(h("p", { class: "muted" }, _("The audience could not be counted.")));
    } finally {
      audience.removeAttribute("aria-busy");
    }
  }

  let editor = null;
  async function areaChanged(areas) {
    if (!editor) return undefined;  // the first paint of the saved area is not a change
    if (!alert.id || !editable) return countAudience();
    clearTimeout(audienceTimer);
    audienceTimer = setTimeout(async () => {
      if (!areas.length) {
        audience.replaceChildren(h("p", { class: "muted" }, _("Choose an area.")));
        return;
      }
      try {
        alert = await patch("/api/staff/alerts/" + alert.id, { areas: apiAreas(areas) });
        paintWorkflow();
        countAudience();
      } catch (error) {
        if (error.fields) showErrors(form, error);
      }
    }, AUDIENCE_DELAY);
  }

  async function act(path, confirmText) {
    if (confirmText && !window.confirm(confirmText)) return;
    clearErrors(form);
    try {
      const answer = await post("/api/staff/alerts/" + alert.id + "/" + path);
      if (path === "cancel" && answer.id !== alert.id) {
        go("/alerts/" + answer.id + "/delivery");
        return;
      }
      alert = answer;
      if (path === "send") {
        go("/alerts/" + alert.id + "/delivery");
        return;
      }
      status.replaceChildren(notice(path === "approve" ? _("Approved.") : _("Done."), "success"));
      paintWorkflow();
    } catch (error) {
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  }

  function paintWorkflow() {
    const me = session.me;
    const severe = ["Extreme", "Severe"].includes(alert.id ? alert.severity : severity.value);
    const mine = alert.drafted_by_id === me.id;
    const lines = [h("p", {}, _("State:"), " ",
      h("span", { class: "badge state-" + alert.state, id: "alert-state" }, stateLabel(alert.state)))];
    if (severe && alert.state === "draft") {
      lines.push(h("p", { class: "two-person", id: "two-person" }, mine || !alert.id
        ? _("Severe and Extreme alerts need a second person: another duty officer or an administrator of {mission} must approve it before it can be sent.",
            { mission: me.embassy ? me.embassy.name : _("this mission") })
        : _("Drafted by a colleague: as the second person, check it and approve it.")));
    }
    const buttons = [];
    if (editable) buttons.push(h("button", { type: "button", class: "button", id: "save-draft",
      onclick: save }, alert.id ? _("Save changes") : _("Save draft")));
    if (alert.id && canAct()) {
      if (alert.state === "draft" && severe && !mine) {
        buttons.push(h("button", { type: "button", class: "button primary", id: "approve",
          onclick: () => act("approve") }, _("Approve")));
      }
      const ready = alert.state === "approved" || (alert.state === "draft" && !severe);
      if (ready || alert.state === "sent") {
        buttons.push(h("button", { type: "button", class: "button danger", id: "send",
          onclick: () => act("send", alert.state === "sent"
            ? _("Send again to people who arrived in the area since?")
            : _("Send this alert now to everyone in the area?")) },
          alert.state === "sent" ? _("Send to newcomers") : _("Send now")));
      }
      if (alert.state !== "cancelled") {
        buttons.push(h("button", { type: "button", class: "button danger-outline", id: "cancel",
          onclick: () => act("cancel", alert.sent_at
            ? _("Cancel this alert? A cancellation notice goes to everyone who received it.")
            : _("Cancel this alert?")) }, _("Cancel alert")));
      }
    }
    if (alert.id && canAct() && alert.sent_at && alert.state !== "cancelled") {
      buttons.push(h("a", { class: "button", href: "#/alerts/" + alert.id + "/update",
                            id: "update-alert" }, _("Send an update")));
    }
    if (alert.sent_at || alert.state === "sending") {
      buttons.push(h("a", { class: "button", href: "#/alerts/" + alert.id + "/delivery",
                            id: "view-delivery" }, _("Delivery")));
    }
    workflow.replaceChildren(...lines, h("div", { class: "actions" }, buttons));
  }

  function title() {
    if (alert.msg_type === "Update") {
      return alert.id ? _("Alert {id}: update to alert {original}", { id: alert.id,
                                                                     original: alert.references })
        : _("Update to alert {original}: {event}", { original: alert.references,
                                                     event: alert.event });
    }
    return alert.id ? _("Alert {id}: {event}", { id: alert.id, event: alert.event })
      : _("New alert");
  }
  const heading = h("h1", {}, title());
  // An update says what it updates; recipients see it replace the earlier notification.
  const updateNote = alert.msg_type === "Update" ? h("p", { class: "notice notice-info",
    id: "update-note" }, _("This is an update (CAP Update) of alert {original}: it goes out under the same approval rules, and replaces the earlier notification on the phones that received it.",
    { original: alert.references }), " ",
  h("a", { href: "#/alerts/" + alert.references }, _("Open the original alert"))) : null;
  // One form around the whole screen, so errors are listed at the top, next to the title.
  form.append(...[heading, updateNote, status].filter(Boolean),
    h("div", { class: "composer-grid" },
      h("div", { class: "composer-map" }, mapPane),
      h("div", { class: "composer-side" },
        h("section", { class: "panel" }, h("h2", {}, _("Audience")), audience),
        h("section", { class: "panel" }, h("h2", {}, _("Approval and sending")), workflow),
        h("section", { class: "panel" }, preview.element))),
    fields);
  form.addEventListener("submit", (event) => event.preventDefault());
  const shown = show(h("section", { class: "composer" }, form));
  if (!shown) return;
  paintWorkflow();
  showPreview();
  editor = await areaEditor(mapPane, { initial: alert.areas || [], editable,
                                             onChange: areaChanged });
  countAudience();
}
