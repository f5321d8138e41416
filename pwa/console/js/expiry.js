// When the staff session ends: a warning shortly before the idle limit, and a clear "signed
// out" when it has ended (the server's 401). Polling does not count as activity (the server
// ignores requests sent with X-Compatriot-Background), so the clock here ignores it too.
import { get, getInBackground, onConnectivity } from "/js/api.js";
import { h } from "/js/dom.js";
import { _ } from "/js/i18n.js";
import { session } from "./session.js";

const WARN_MS = 2 * 60 * 1000;
const TICK_MS = 5000;

// The idle window's length and the session's two deadlines, in this browser's clock.
const clock = { idleMs: null, idleAt: null, endsAt: null, timer: null };

/** Take the deadlines from GET /api/staff/me (it was just answered: it counted as activity). */
export function trackSession(me) {
  clearInterval(clock.timer);
  if (!me || !me.idle_expires_at) {
    clock.idleAt = null;
    paintWarning(null);
    return;
  }
  // The deadlines are on the server's clock: move them onto this one.
  const serverNow = me.now ? Date.parse(me.now) : Date.now();
  const skew = Date.now() - serverNow;
  clock.idleMs = Math.max(0, Date.parse(me.idle_expires_at) - serverNow);
  clock.idleAt = Date.parse(me.idle_expires_at) + skew;
  clock.endsAt = Date.parse(me.expires_at) + skew;
  clock.timer = setInterval(check, TICK_MS);
  check();
}

/** Any request of the officer's own that reached the server restarts the idle time. */
export function watchActivity() {
  onConnectivity((online, background) => {
    if (online && !background && clock.idleAt !== null && session.me) {
      clock.idleAt = Date.now() + clock.idleMs;
      check();
    }
  });
}

function remaining() {
  return Math.min(clock.idleAt, clock.endsAt || Infinity) - Date.now();
}

async function check() {
  if (!session.me || clock.idleAt === null) return;
  const left = remaining();
  if (left > 0) {
    paintWarning(left <= WARN_MS ? left : null);
    return;
  }
  // Our estimate says it ended: ask the server without counting as activity.
  try {
    trackSession({ ...session.me, ...(await getInBackground("/api/staff/me")) });
  } catch (error) {
    if (error && error.status === 401) Promise.reject(error);  // console.js signs out
  }
}

function paintWarning(left) {
  const box = document.getElementById("session-warning");
  if (!box) return;
  if (left === null || !session.me) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const minutes = Math.max(1, Math.ceil(left / 60000));
  const idle = clock.idleAt <= (clock.endsAt || Infinity);
  box.replaceChildren(
    h("span", { id: "session-warning-text" }, idle
      ? _("Your session ends in {minutes} min without activity.", { minutes })
      : _("Your session ends in {minutes} min; then sign in again.", { minutes })),
    idle ? h("button", { type: "button", class: "button small", id: "stay-signed-in",
      onclick: async () => {
        try {
          trackSession({ ...session.me, ...(await get("/api/staff/me")) });
        } catch (error) {
          if (error && error.status === 401) Promise.reject(error);
        }
      } }, _("Stay signed in")) : null);
  box.hidden = false;
}

/** The session has ended: the sign-in screen says so. */
export function expired() {
  return h("div", { class: "notice notice-error", role: "alert", id: "session-expired" },
    _("Your session has expired. Please sign in again."));
}
