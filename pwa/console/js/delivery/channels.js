// Per channel (push, email, SMS): sent, delivered, failed and, for a roll call, answered.
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";

const ORDER = ["webpush", "email", "sms"];

export function channelName(code) {
  return { webpush: _("Push"), email: _("Email"), sms: _("SMS") }[code] || code;
}

function figureName(key) {
  return { sent: _("Sent"), delivered: _("Delivered"), failed: _("Failed"),
           answered: _("Answered") }[key];
}

/** A table of `byChannel` ({channel: {sent, delivered, failed, answered?}}), channels in a
 * fixed order; `answered` adds that column (roll calls). */
export function channelsPanel({ answered = false } = {}) {
  const keys = ["sent", "delivered", "failed", ...(answered ? ["answered"] : [])];
  const body = h("tbody", {});
  const element = h("section", { class: "panel", id: "delivery-channels", hidden: true },
    h("h2", {}, _("By channel")),
    h("table", { class: "data", id: "channel-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, _("Channel")),
        ...keys.map((key) => h("th", { scope: "col" }, figureName(key))))),
      body));

  function paint(byChannel) {
    const channels = Object.keys(byChannel || {}).sort(
      (a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
    element.hidden = channels.length === 0;
    body.replaceChildren(...channels.map((channel) => h("tr", { "data-channel": channel },
      h("th", { scope: "row" }, channelName(channel)),
      ...keys.map((key) => h("td", { "data-figure": key },
        h("bdi", { dir: "ltr" }, String(byChannel[channel][key] || 0)))))));
  }
  return { element, paint };
}
