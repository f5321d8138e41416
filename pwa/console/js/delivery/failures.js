// Why deliveries failed, grouped by channel, state (failed, expired, gone) and recorded reason
// (the server groups them).
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { channelName } from "./channels.js";

const stateName = (state) => ({ expired: _("Expired"), gone: _("Gone (device unsubscribed)") }[state]);

export function failuresPanel() {
  const list = h("ul", { class: "failures", id: "delivery-failures" });
  const element = h("section", { class: "panel", hidden: true },
    h("h2", {}, _("Why deliveries failed")), list);

  function paint(failures) {
    element.hidden = !(failures && failures.length);
    list.replaceChildren(...(failures || []).map((group) => h("li", { "data-channel": group.channel },
      h("strong", { "data-count": "failure" }, String(group.count)), " · ",
      h("span", { class: "channel" }, channelName(group.channel)), " · ",
      stateName(group.state) ? [h("span", { class: "state" }, stateName(group.state)), " · "] : null,
      h("bdi", { dir: "ltr" }, group.reason || _("no reason recorded")))));
  }
  return { element, paint };
}
