// "Are you safe?": the mission's roll calls as a prompt on the trips screen (and alone at
// #/rollcalls/<id>, where a notification leads). Answers go through the outbox like an SOS.
import { cookie, get } from "../api.js";
import { h, nextId, notice, render } from "../dom.js";
import { formatDateTime } from "../format.js";
import { _, locale } from "../i18n.js";
import { go } from "../router.js";
import { outbox, uuid4 } from "../outbox.js";
import { lastFix, sendNow } from "../sos.js";
import { requireUser, state } from "../state.js";

const FIX_FRESH_MS = 10 * 60 * 1000;

/** Open roll calls I was asked (the saved copy offline), [] when there is none. */
export async function myRollcalls() {
  try {
    return await get("/api/rollcalls");
  } catch (error) {
    return [];
  }
}

/** Queue an answer (outbox first), then send it; "help" goes on to the SOS screen. */
export async function answerRollcall(rollcallId, answer, { partySize, evacuation }) {
  const body = { answer, answered_at: new Date().toISOString(), client_uuid: uuid4(),
                 party_size: partySize, wants_evacuation: evacuation };
  const fix = state.user && state.user.location_consent ? await lastFix() : null;
  if (fix && Date.now() - Date.parse(fix.at) < FIX_FRESH_MS) {
    Object.assign(body, { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy });
  }
  await outbox.queueRollcallAnswer(rollcallId, body,
                                   { token: cookie("csrf_token"), language: locale() });
  const sending = sendNow().catch(() => null);
  if (answer === "help") go("/sos");
  return sending;
}

const answerLabel = (answer) => (answer === "help" ? _("I need help") : _("I am safe"));

/** What this phone knows of my answer: queued here, else what the server said. */
async function myAnswer(rollcall) {
  const queued = (await outbox.entries()).filter((entry) => entry.kind === "rollcall-answer"
    && String(entry.rollcall_id) === String(rollcall.id)).pop();
  if (queued) return { ...queued.body, queued: true, error: queued.error };
  return rollcall.answer;
}

/** The prompt for one roll call. */
export async function rollcallCard(rollcall, { onAnswered } = {}) {
  const answered = await myAnswer(rollcall);
  const titleId = nextId("rollcall");
  const party = h("input", { type: "number", min: 1, max: 50, value: (answered
    && answered.party_size) || 1, inputmode: "numeric", id: nextId("party") });
  const evacuation = h("input", { type: "checkbox", id: nextId("evac") });
  evacuation.checked = Boolean(answered && answered.wants_evacuation);
  const status = h("div", { "aria-live": "polite" });
  const answer = (choice) => async () => {
    const size = Math.min(50, Math.max(1, Number.parseInt(party.value, 10) || 1));
    const result = await answerRollcall(rollcall.id, choice,
                                        { partySize: size, evacuation: evacuation.checked });
    if (onAnswered && choice !== "help") onAnswered(result);
  };
  let said = null;
  if (answered && answered.queued) {
    said = notice(answered.error
      ? _("Your answer ({answer}) could not be sent: {reason}", {
        answer: answerLabel(answered.answer), reason: answered.error.message || answered.error.status })
      : _("Your answer ({answer}) is saved on this phone and will be sent as soon as there is a connection.",
          { answer: answerLabel(answered.answer) }), answered.error ? "error" : "info");
  } else if (answered) {
    said = notice(_("You answered “{answer}” at {time}. You can change your answer.", {
      answer: answerLabel(answered.answer), time: formatDateTime(answered.answered_at) }));
  }
  return h("section", { class: "card prompt-card rollcall-card", "data-rollcall": rollcall.id,
                        "aria-labelledby": titleId },
    h("h2", { id: titleId }, _("Are you safe?")),
    rollcall.mission ? h("p", { class: "muted" }, _("Asked by {mission}",
                                                    { mission: rollcall.mission })) : null,
    h("p", { class: "question" }, rollcall.question),
    h("p", { class: "muted" }, _("Please answer by {time}",
                                 { time: formatDateTime(rollcall.deadline) })),
    said, status,
    h("div", { class: "field inline-field" },
      h("label", { for: party.id }, _("People with me (me included)")), party),
    h("div", { class: "check" }, evacuation,
      h("label", { for: evacuation.id }, _("We want to be evacuated"))),
    h("div", { class: "actions rollcall-actions" },
      h("button", { type: "button", class: "button safe", "data-answer": "safe",
                    onclick: answer("safe") }, _("I am safe")),
      h("button", { type: "button", class: "button danger", "data-answer": "help",
                    onclick: answer("help") }, _("I need help"))));
}

/** The prompts for every open roll call (for the trips screen); [] when there is none. */
export async function rollcallCards(refresh) {
  const rollcalls = await myRollcalls();
  return Promise.all(rollcalls.map((item) => rollcallCard(item, { onAnswered: refresh })));
}

export async function rollcallView({ id }) {
  if (!requireUser()) return;
  const heading = h("h1", {}, _("Are you safe?"));
  let rollcall;
  try {
    rollcall = await get("/api/rollcalls/" + encodeURIComponent(id));
  } catch (error) {
    rollcall = (await myRollcalls()).find((item) => String(item.id) === String(id));
    if (!rollcall) {
      render(heading, notice(error.offline
        ? _("You are offline and this question has not been saved on this device yet.")
        : error.message, "error"));
      return;
    }
  }
  const again = () => rollcallView({ id });
  render(heading, await rollcallCard(rollcall, { onAnswered: again }),
         h("p", {}, h("a", { href: "#/trips" }, _("Back to my trips"))));
}
