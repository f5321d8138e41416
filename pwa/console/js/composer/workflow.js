// Approval and sending: what the server says the signed-in officer may do with the alert now
// (needs_second_person, can_approve, can_send), as buttons.
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { stateLabel } from "../alert-fields.js";
import { canAct, session } from "../session.js";
import { confirmSend } from "./confirm.js";
import { handoffButtons } from "./handoff.js";

function twoPersonNote(alert) {
  const me = session.me;
  return h("p", { class: "two-person", id: "two-person" }, alert.can_approve
    ? _("Drafted by a colleague: as the second person, check it and approve it.")
    : _("Severe and Extreme alerts need a second person: another duty officer or an administrator of {mission} must approve it before it can be sent.",
        { mission: me.embassy ? me.embassy.name : _("this mission") }));
}

function sendButton(alert, act) {
  return h("button", { type: "button", class: "button danger", id: "send",
    onclick: () => act("send", () => confirmSend(alert, session.config.languages)) },
  alert.state === "sent" ? _("Send to newcomers") : _("Send now"));
}

function actionButtons(alert, act) {
  const buttons = [];
  if (alert.can_approve) {
    buttons.push(h("button", { type: "button", class: "button primary", id: "approve",
      onclick: () => act("approve") }, _("Approve")));
  }
  if (alert.can_send) buttons.push(sendButton(alert, act));
  buttons.push(...handoffButtons(alert, act));
  if (canAct() && alert.state !== "cancelled") {
    buttons.push(h("button", { type: "button", class: "button danger-outline", id: "cancel",
      onclick: () => act("cancel", alert.sent_at
        ? _("Cancel this alert? A cancellation notice goes to everyone who received it.")
        : _("Discard this draft? It was never sent.")) },
    alert.sent_at ? _("Cancel alert") : _("Discard draft")));
  }
  if (canAct() && alert.sent_at && alert.state !== "cancelled") {
    buttons.push(h("a", { class: "button", href: "#/alerts/" + alert.id + "/update",
                          id: "update-alert" }, _("Send an update")));
  }
  return buttons;
}

/**
 * The workflow panel. `paint(alert, {editable, twoPerson})`: `twoPerson` says, for a draft
 * not saved yet, whether its severity needs a second person (saved: the server's answer).
 */
export function workflowPanel({ save, act }) {
  const element = h("div", { class: "workflow", id: "workflow" });

  function paint(alert, { editable, twoPerson }) {
    const lines = [h("p", {}, _("State:"), " ",
      h("span", { class: "badge state-" + alert.state, id: "alert-state" }, stateLabel(alert.state)))];
    const needsSecond = alert.id ? alert.needs_second_person : twoPerson;
    if (needsSecond && alert.state === "draft") lines.push(twoPersonNote(alert));
    const buttons = [];
    if (editable) buttons.push(h("button", { type: "button", class: "button", id: "save-draft",
      onclick: save }, alert.id ? _("Save changes") : _("Save draft")));
    if (alert.id) buttons.push(...actionButtons(alert, act));
    if (alert.sent_at || alert.state === "sending") {
      buttons.push(h("a", { class: "button", href: "#/alerts/" + alert.id + "/delivery",
                            id: "view-delivery" }, _("Delivery")));
    }
    element.replaceChildren(...lines, h("div", { class: "actions" }, buttons));
  }
  return { element, paint };
}
