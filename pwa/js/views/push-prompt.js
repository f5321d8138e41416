// The card that explains safety alerts and asks to turn them on: shown once the traveler has
// a trip (never on first load), until alerts are on or the card is dismissed.
import { h, notice } from "../dom.js";
import { _ } from "../i18n.js";
import { PermissionError, PushTimeout, enablePush, needsHomeScreen, permission, pushEnabled,
  pushSupported } from "../push.js";
import { getPref, setPref } from "../store.js";

/** Why alerts cannot be turned on here (a sentence to show), or null when they can. */
export function pushBlocker() {
  if (needsHomeScreen()) {
    return _("On iPhone, safety alerts only work once Compatriot is on your Home Screen: tap the Share button, then “Add to Home Screen”, and open Compatriot from there.");
  }
  if (!pushSupported()) return _("This browser cannot show safety alerts.");
  if (permission() === "denied") {
    return _("Notifications are blocked for this app. Allow them in your browser's site settings, then try again.");
  }
  return null;
}

/** A sentence for an error from enablePush(). */
export function pushError(error) {
  if (error instanceof PermissionError) {
    return _("Notifications were not allowed, so alerts cannot be shown on this phone.");
  }
  if (error instanceof PushTimeout) {
    return _("The notification service did not answer in time, so alerts are not on yet. Check your connection and try again.");
  }
  if (error.offline) return _("You are offline. Try again when you are back online.");
  return error.message || _("Alerts could not be turned on. Try again later.");
}

/** The card, or null when there is nothing to ask. */
export async function pushPrompt() {
  if (await pushEnabled() || await getPref("push-prompt-dismissed", false).catch(() => false)) {
    return null;
  }
  const blocker = pushBlocker();
  if (blocker && !needsHomeScreen()) return null;  // nothing the traveler can do from here
  const status = h("div", { "aria-live": "polite" });
  const card = h("section", { class: "card prompt-card", id: "push-prompt",
                              "aria-labelledby": "push-prompt-title" },
    h("h2", { id: "push-prompt-title" }, _("Get safety alerts on this phone")),
    h("p", {}, _("Your embassy can warn you about danger where you are (unrest, storms, earthquakes) and ask if you are safe. Alerts arrive as notifications, even when the app is closed.")),
    blocker ? h("p", { class: "hint" }, blocker) : null,
    status,
    h("div", { class: "actions" },
      blocker ? null : h("button", { type: "button", class: "button primary", id: "push-enable",
                                     onclick: async (event) => {
        const button = event.target;
        button.disabled = true;
        status.replaceChildren(notice(_("Turning on alerts…")));
        try {
          await enablePush();
          card.replaceChildren(notice(_("Safety alerts are on for this phone.")));
        } catch (error) {
          button.disabled = false;
          button.textContent = _("Try again");
          status.replaceChildren(notice(pushError(error), "error"));
        }
      } }, _("Turn on alerts")),
      h("button", { type: "button", class: "button", id: "push-later", onclick: async () => {
        await setPref("push-prompt-dismissed", true).catch(() => {});
        card.remove();
      } }, _("Not now"))));
  return card;
}
