// The emergency screen: numbers to call at once. Sending an SOS through the app is its own issue.
import { get } from "../api.js";
import { h, render, telLink } from "../dom.js";
import { _ } from "../i18n.js";
import { state } from "../state.js";

/** Missions of my current and upcoming stays, each once. */
async function myMissions() {
  if (!state.user) return [];
  const trips = await get("/api/trips").catch(() => []);
  const seen = new Map();
  for (const trip of trips.filter((t) => t.status !== "past")) {
    for (const leg of trip.legs) {
      if (leg.mission && !seen.has(leg.mission.id)) seen.set(leg.mission.id, leg.mission);
    }
  }
  return [...seen.values()];
}

export async function sosView() {
  const missions = await myMissions();
  const hotline = state.config.hotline;
  render(h("section", { class: "sos" },
    h("h1", {}, _("Emergency help")),
    h("p", { class: "lead" }, _("In immediate danger, call the local emergency number first. Then call us:")),
    h("ul", { class: "sos-calls" },
      missions.map((mission) => h("li", {},
        h("span", {}, _("{mission}, emergency line", { mission: mission.name })),
        telLink(mission.emergency_phone))),
      hotline ? h("li", {}, h("span", {}, _("Global consular hotline")), telLink(hotline)) : null),
    h("p", { class: "muted" }, _("Sending an SOS with your location from the app is coming soon."))));
}
