// The console's frame: brand, navigation, who is signed in, the language picker.
import { _, locale } from "/js/i18n.js";
import { currentPath } from "/js/router.js";
import { paintLiveControls, startLive } from "./live.js";
import { session } from "./session.js";

/** The console's frame in the current language: brand, navigation, who is signed in. */
export function paintFrame() {
  document.getElementById("skip-link").textContent = _("Skip to content");
  document.getElementById("brand-name").textContent = _("Staff console");
  document.getElementById("nav").setAttribute("aria-label", _("Sections"));
  document.getElementById("nav-alerts").textContent = _("Alerts");
  document.getElementById("nav-sos").textContent = _("SOS queue");
  document.getElementById("nav-rollcalls").textContent = _("Roll calls");
  document.getElementById("nav-events").textContent = _("Events");
  document.getElementById("nav-travelers").textContent = _("Travelers");
  document.getElementById("nav-audit").textContent = _("Audit log");
  document.getElementById("nav-staff").textContent = _("Staff accounts");
  document.getElementById("language-label").textContent = _("Language");
  document.getElementById("sign-out").textContent = _("Sign out");
  const me = session.me;
  document.getElementById("nav").hidden = !me;
  document.getElementById("who").hidden = !me;
  document.getElementById("nav-audit").hidden = !me || me.role !== "admin";
  document.getElementById("nav-staff").hidden = !me || me.role !== "admin";
  if (me) {
    // Two short lines that fit the bar in every language; the whole of both on hover.
    const name = me.name || me.email || "";
    const role = _("{role} · {mission}", {
      role: roleLabel(me.role), mission: me.embassy ? me.embassy.name : _("All missions") });
    document.getElementById("who-name").textContent = name;
    document.getElementById("who-role").textContent = role;
    document.getElementById("who-text").title = name + "\n" + role;
  }
  const select = document.getElementById("language");
  select.replaceChildren(...session.config.languages.map((lang) => {
    const option = document.createElement("option");
    option.value = lang.code;
    option.textContent = lang.name;
    return option;
  }));
  select.value = locale();
  markSection();
  paintLiveControls();
}

/** The frame for whoever is signed in now, and their live stream (none when signed out). */
export function paintSignedIn() {
  paintFrame();
  startLive();
}

export function roleLabel(role) {
  return { admin: _("Administrator"), officer: _("Duty officer"), viewer: _("Viewer") }[role]
    || role;
}

export function markSection() {
  const section = currentPath().split("/")[1];
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.section === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
