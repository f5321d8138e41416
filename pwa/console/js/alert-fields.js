// CAP vocabularies in the reader's language, and an alert's texts per language.
import { h } from "/js/dom.js";
import { field, input, select } from "/js/forms.js";
import { _ } from "/js/i18n.js";

export const severities = () => [["Extreme", _("Extreme")], ["Severe", _("Severe")],
  ["Moderate", _("Moderate")], ["Minor", _("Minor")], ["Unknown", _("Unknown")]];
export const urgencies = () => [["Immediate", _("Immediate")], ["Expected", _("Expected")],
  ["Future", _("Future")], ["Past", _("Past")], ["Unknown", _("Unknown")]];
export const certainties = () => [["Observed", _("Observed")], ["Likely", _("Likely")],
  ["Possible", _("Possible")], ["Unlikely", _("Unlikely")], ["Unknown", _("Unknown")]];
export const statuses = () => [["Actual", _("Actual")], ["Exercise", _("Exercise")],
  ["Test", _("Test")], ["Draft", _("Draft (not sent to anyone)")]];
export const categories = () => [["Safety", _("Safety")], ["Security", _("Security")],
  ["Geo", _("Geophysical (earthquake, tsunami…)")], ["Met", _("Weather")],
  ["Rescue", _("Rescue")], ["Fire", _("Fire")], ["Health", _("Health")],
  ["Env", _("Environment")], ["Transport", _("Transport")], ["Infra", _("Infrastructure")],
  ["CBRNE", _("Chemical, biological, radiological, nuclear or explosive")], ["Other", _("Other")]];

export function stateLabel(state) {
  return { draft: _("Draft"), approved: _("Approved"), sending: _("Sending"), sent: _("Sent"),
           cancelled: _("Cancelled") }[state] || state;
}

export function label(pairs, value) {
  const found = pairs.find(([code]) => code === value);
  return found ? found[1] : value;
}

/** "2026-11-27T10:00:00+00:00" -> the value of a datetime-local input, in local time. */
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T"
    + pad(d.getHours()) + ":" + pad(d.getMinutes());
}

export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}

/** Tabs with headline, description, instruction and link for each language. */
export function textTabs(languages, texts, { editable, onInput }) {
  const byLanguage = Object.fromEntries((texts || []).map((t) => [t.language, t]));
  const tabList = h("div", { class: "tab-list", role: "tablist", "aria-label": _("Text per language") });
  const panels = h("div", { class: "tab-panels" });
  const controls = {};
  languages.forEach((lang, index) => {
    const text = byLanguage[lang.code] || {};
    const tabId = "tab-" + lang.code;
    const panelId = "panel-" + lang.code;
    const tab = h("button", { type: "button", role: "tab", id: tabId, "aria-controls": panelId,
      "aria-selected": index === 0 ? "true" : "false", tabindex: index === 0 ? 0 : -1,
      "data-language": lang.code }, lang.name);
    const make = (kind, attrs) => {
      const el = kind === "textarea" ? h("textarea", { rows: 4, ...attrs }) : input(attrs);
      el.disabled = !editable;
      el.addEventListener("input", () => onInput(lang.code));
      return el;
    };
    const c = {
      headline: make("input", { maxlength: 160, value: text.headline || "", dir: lang.dir,
                                "data-field": "headline" }),
      description: make("textarea", { dir: lang.dir, "data-field": "description" }),
      instruction: make("textarea", { rows: 2, dir: lang.dir, "data-field": "instruction" }),
      web: make("input", { type: "url", dir: "ltr", value: text.web || "", "data-field": "web",
                           placeholder: "https://" }),
    };
    c.description.value = text.description || "";
    c.instruction.value = text.instruction || "";
    controls[lang.code] = c;
    const panel = h("div", { role: "tabpanel", id: panelId, "aria-labelledby": tabId,
                             hidden: index !== 0, lang: lang.code.replace("_", "-"), dir: lang.dir },
      field(_("Headline"), c.headline),
      field(_("Description"), c.description),
      field(_("Instruction"), c.instruction),
      field(_("Web page (optional)"), c.web));
    tab.addEventListener("click", () => {
      for (const other of tabList.children) {
        other.setAttribute("aria-selected", "false");
        other.tabIndex = -1;
      }
      tab.setAttribute("aria-selected", "true");
      tab.tabIndex = 0;
      for (const p of panels.children) p.hidden = p.id !== panelId;
      onInput(lang.code);
    });
    tabList.append(tab);
    panels.append(panel);
  });
  tabList.addEventListener("keydown", (event) => {
    const tabs = [...tabList.children];
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const rtl = document.documentElement.dir === "rtl" ? -1 : 1;
    const next = tabs[(i + step * rtl + tabs.length) % tabs.length];
    next.focus();
    next.click();
  });

  /** The filled-in languages, in order, with their controls' data-path set to match. */
  function values() {
    const out = [];
    for (const lang of languages) {
      const c = controls[lang.code];
      const item = { language: lang.code, headline: c.headline.value.trim(),
                     description: c.description.value.trim(),
                     instruction: c.instruction.value.trim() || null,
                     web: c.web.value.trim() || null };
      for (const el of Object.values(c)) delete el.dataset.path;
      if (!item.headline && !item.description && !item.instruction && !item.web) continue;
      for (const [key, el] of Object.entries(c)) el.dataset.path = "texts." + out.length + "." + key;
      out.push(item);
    }
    return out;
  }
  return { element: h("div", { class: "texts" }, tabList, panels), values, controls,
           selected: () => tabList.querySelector('[aria-selected="true"]').dataset.language };
}

/** What the phone shows: the ministry, the headline, the start of the description. */
export function notificationPreview(ministry) {
  const title = h("strong", { class: "np-title" });
  const body = h("span", { class: "np-body" });
  const when = h("span", { class: "np-when" }, _("now"));
  const element = h("figure", { class: "phone-preview", id: "notification-preview" },
    h("figcaption", {}, _("Notification preview")),
    h("div", { class: "np" },
      h("div", { class: "np-head" },
        h("img", { src: "/icons/icon-192.png", alt: "", width: 18, height: 18 }),
        h("span", { class: "np-app" }, ministry || _("Compatriot")), when),
      title, body));
  function show({ headline, description, dir, lang, severity }) {
    element.dir = dir;
    element.lang = lang;
    element.dataset.severity = severity || "";
    title.textContent = headline || _("(no headline yet)");
    const text = description || "";
    body.textContent = text.length > 180 ? text.slice(0, 179) + "…" : text;
  }
  return { element, show };
}
