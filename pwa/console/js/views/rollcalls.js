// Roll calls: the mission's list, and starting one for an area drawn with the alert tools.
import { get, post } from "/js/api.js";
import { h, notice } from "/js/dom.js";
import { clearErrors, field, formStatus, input, showErrors } from "/js/forms.js";
import { formatDateTime } from "/js/format.js";
import { _ } from "/js/i18n.js";
import { go } from "/js/router.js";
import { fromLocalInput, toLocalInput } from "../alert-fields.js";
import { apiAreas, areaEditor } from "../area-tools.js";
import { missingParts, prefill, takeDraft } from "../rollcall/form-check.js";
import { canAct, screen, session } from "../session.js";

const AUDIENCE_DELAY = 500;
const DEFAULT_HOURS = 2;

export function rollcallState(state) {
  return { sending: _("Sending"), open: _("Open"), closed: _("Closed") }[state] || state;
}

/** The question in the reader's language if given, else the first one. */
export function questionOf(rollcall, language) {
  const texts = rollcall.texts || [];
  const found = texts.find((t) => t.language === language) || texts[0];
  return found ? found.question : "";
}

export async function rollcallsView() {
  const show = screen();
  let rollcalls;
  try {
    rollcalls = await get("/api/staff/rollcalls?limit=100");
  } catch (error) {
    show(h("section", {}, h("h1", {}, _("Roll calls")),
      notice(error.message || _("Something went wrong. Please try again."), "error")));
    return;
  }
  const language = document.documentElement.lang.replace("-", "_");
  const rows = rollcalls.map((rc) => h("tr", { "data-id": rc.id },
    h("td", {}, h("a", { href: "#/rollcalls/" + rc.id }, String(rc.id))),
    h("td", {}, h("a", { href: "#/rollcalls/" + rc.id }, questionOf(rc, language))),
    h("td", {}, h("span", { class: "badge rollcall-" + rc.state }, rollcallState(rc.state))),
    h("td", {}, formatDateTime(rc.created_at)),
    h("td", {}, formatDateTime(rc.deadline))));
  show(h("section", { class: "rollcalls" },
    h("div", { class: "title-row" },
      h("h1", {}, _("Roll calls")),
      canAct() ? h("a", { class: "button primary", href: "#/rollcalls/new", id: "new-rollcall" },
        _("New roll call")) : null),
    rows.length ? h("table", { class: "data", id: "rollcall-table" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, _("No.")), h("th", { scope: "col" }, _("Question")),
        h("th", { scope: "col" }, _("State")), h("th", { scope: "col" }, _("Started")),
        h("th", { scope: "col" }, _("Deadline")))),
      h("tbody", {}, rows))
      : h("p", { class: "muted" }, _("No roll calls yet."))));
}

export async function rollcallNewView() {
  const show = screen();
  if (!canAct()) {
    show(h("section", {}, h("h1", {}, _("New roll call")),
      notice(_("Only duty officers and administrators can start a roll call."), "error")));
    return;
  }
  const languages = session.config.languages;
  const form = h("form", { novalidate: true, class: "composer-form", id: "rollcall-form" });
  const status = formStatus();
  const mapPane = h("div", { class: "map-pane" });
  const audience = h("div", { class: "audience", id: "rollcall-audience", "aria-live": "polite" },
    h("p", { class: "muted" }, _("Choose an area.")));
  const deadline = input({ type: "datetime-local", id: "rollcall-deadline",
    value: toLocalInput(new Date(Date.now() + DEFAULT_HOURS * 3600 * 1000).toISOString()) });
  const questions = languages.map((lang, index) => {
    const box = h("textarea", { rows: 3, maxlength: 500, dir: lang.dir, "data-language": lang.code,
      lang: lang.code.replace("_", "-"), class: "rollcall-question" });
    return { lang, box, field: field(lang.name, box, index === 0 ? { path: "texts" } : {}) };
  });
  const start = h("button", { type: "submit", class: "button danger", id: "start-rollcall" },
    _("Start the roll call"));

  let editor = null;
  let timer = null;
  let run = 0;
  function body() {
    return { areas: apiAreas(editor ? editor.areas() : []),
             deadline: fromLocalInput(deadline.value),
             texts: questions.filter((q) => q.box.value.trim())
               .map((q) => ({ language: q.lang.code, question: q.box.value.trim() })) };
  }
  function countLater() {
    clearTimeout(timer);
    timer = setTimeout(count, AUDIENCE_DELAY);
  }
  async function count() {
    const { areas, deadline: until } = body();
    if (!areas.length || !until) {
      audience.replaceChildren(h("p", { class: "muted" }, _("Choose an area.")));
      return;
    }
    const mine = ++run;
    try {
      const found = await post("/api/staff/rollcalls/audience", { areas, deadline: until });
      if (mine !== run) return;
      audience.replaceChildren(h("p", { class: "audience-count" },
        h("strong", { id: "rollcall-travelers" }, String(found.travelers)), " ", _("travelers"),
        " · ", h("strong", { id: "rollcall-devices" }, String(found.devices)), " ", _("devices")),
        h("p", { class: "hint" }, _("Travelers without a subscribed phone are asked too: they appear in the call-centre list.")));
    } catch (error) {
      if (mine !== run) return;
      audience.replaceChildren(h("p", { class: "muted" }, error.message || _("The audience could not be counted.")));
    }
  }
  deadline.addEventListener("change", countLater);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const missing = missingParts(body());
    if (missing) {
      showErrors(form, missing);
      return;
    }
    if (!window.confirm(_("Ask everyone in this area now whether they are safe?"))) return;
    start.disabled = true;
    try {
      const rollcall = await post("/api/staff/rollcalls", body());
      go("/rollcalls/" + rollcall.id);
    } catch (error) {
      start.disabled = false;
      if (!error.fields) throw error;
      showErrors(form, error);
    }
  });

  form.append(h("h1", {}, _("New roll call")), status,
    h("div", { class: "composer-grid" },
      h("div", { class: "composer-map" }, mapPane),
      h("div", { class: "composer-side" },
        h("section", { class: "panel" }, h("h2", {}, _("Who will be asked")), audience),
        h("section", { class: "panel" }, h("h2", {}, _("Question")),
          h("p", { class: "hint" }, _("English is required; travelers get their own language when it is given, else English. They answer “I am safe” or “I need help”; “I need help” opens an SOS case.")),
          ...questions.map((q) => q.field),
          field(_("Deadline"), deadline, { path: "deadline",
            hint: _("Answers after it are still accepted and marked late.") }),
          h("div", { class: "actions" }, start)))));
  const draft = takeDraft();
  prefill(questions, draft ? draft.texts
    : await get("/api/staff/rollcalls/question").catch(() => []));
  if (draft && draft.deadline) deadline.value = toLocalInput(draft.deadline);
  if (!show(h("section", { class: "composer rollcall-new" }, form))) return;
  editor = await areaEditor(mapPane, { initial: draft ? draft.areas : [], editable: true,
                                       onChange: countLater });
  count();
}
