// The two-person hand-off: the drafter asks for approval, the second person approves or sends
// the draft back with a comment; the drafter's page follows live (approval.* events).
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { session } from "../session.js";

function askComment() {
  const comment = window.prompt(_("Why is it sent back? The drafter reads this."));
  return comment && comment.trim() ? { comment: comment.trim() } : false;
}

export function handoffButtons(alert, act) {
  if (alert.state !== "draft" || !alert.needs_second_person) return [];
  const mine = session.me && alert.drafted_by_id === session.me.id;
  if (mine) {
    return [h("button", { type: "button", class: "button primary", id: "request-approval",
      onclick: () => act("request-approval") }, _("Request approval"))];
  }
  if (!alert.can_approve) return [];
  return [h("button", { type: "button", class: "button", id: "send-back",
    onclick: () => act("send-back", askComment) }, _("Send back"))];
}

/** Calls `reload(notice)` when this alert is approved or sent back, while `alive()`. */
export function followHandoff(alertId, alive, reload) {
  function onLive(event) {
    if (!alive()) {
      window.removeEventListener("live", onLive);
      return;
    }
    const { type, data } = event.detail;
    if (data.alert !== alertId) return;
    if (type === "approval.approved") reload(_("Approved by a second person."));
    if (type === "approval.sent_back") {
      reload(_("Sent back by the second person: {comment}", { comment: data.comment }));
    }
  }
  window.addEventListener("live", onLive);
}
