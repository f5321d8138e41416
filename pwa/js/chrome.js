// The shell around every screen: brand, tabs, SOS button, offline and update bars.
import { _ } from "./i18n.js";
import { currentPath } from "./router.js";
import { state } from "./state.js";

/** Fill the shell's fixed text in the current language (again after a language change). */
export function paintChrome() {
  const byId = (id) => document.getElementById(id);
  byId("brand-name").textContent = _("Compatriot");
  byId("skip-link").textContent = _("Skip to content");
  byId("tab-trips").textContent = _("Trips");
  byId("tab-alerts").textContent = _("Alerts");
  byId("tab-settings").textContent = _("Settings");
  byId("tabs").setAttribute("aria-label", _("Main"));
  byId("tabs").hidden = !state.user;
  byId("sos-button-text").textContent = _("SOS");
  byId("sos-button").setAttribute("aria-label", _("SOS: hold for 2 seconds to ask for help"));
  byId("offline").textContent = _("You are offline. Showing what was saved on this device.");
  byId("update-text").textContent = _("A new version of the app is ready.");
  byId("update-button").textContent = _("Update now");
  markCurrentTab();
}

export function markCurrentTab() {
  const path = currentPath();
  // The SOS screen has its own, larger control.
  const sos = document.getElementById("sos-button");
  sos.hidden = path === "/sos";
  document.getElementById("bottom-bar").hidden = sos.hidden && !state.user;
  for (const tab of document.querySelectorAll("#tabs a")) {
    const here = path.startsWith(tab.getAttribute("href").slice(1));
    if (here) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}
