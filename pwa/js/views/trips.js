// My trips: the list, newest first as the API gives them; above it, any roll call to answer
// and, once there is a trip, the offer to turn on safety alerts.
import { get } from "../api.js";
import { h, notice, render } from "../dom.js";
import { dateRange, destinations, tripStatus } from "../format.js";
import { _ } from "../i18n.js";
import { requireUser } from "../state.js";
import { pushPrompt } from "./push-prompt.js";
import { rollcallCards } from "./rollcall.js";

export async function tripsView() {
  if (!requireUser()) return;
  const heading = h("h1", {}, _("My trips"));
  const add = h("a", { href: "#/trips/new", class: "button primary" }, _("Add a trip"));
  const prompting = rollcallCards(() => tripsView());
  let trips;
  try {
    trips = await get("/api/trips");
  } catch (error) {
    render(heading, add, notice(error.offline
      ? _("You are offline and your trips have not been saved on this device yet.")
      : error.message, "error"));
    return;
  }
  const prompts = await prompting;
  if (!trips.length) {
    render(heading, prompts,
           notice(_("No trips yet. Add one so your embassy knows where you are.")), add);
    return;
  }
  render(heading, prompts, await pushPrompt(), add,
         h("ul", { class: "cards", id: "trip-list" }, trips.map(tripCard)));
}

function tripCard(trip) {
  const mission = trip.legs.map((leg) => leg.mission).find(Boolean);
  return h("li", { class: "card" },
    h("a", { href: "#/trips/" + trip.id, class: "card-link" },
      h("span", { class: "badge badge-" + trip.status }, tripStatus(trip.status)),
      h("strong", { class: "card-title" }, destinations(trip)),
      h("span", { class: "muted" }, dateRange(trip.start_date, trip.end_date)),
      mission ? h("span", { class: "muted" }, mission.name) : null));
}
