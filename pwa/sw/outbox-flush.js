/* Replaying the outbox: oldest SOS first, follow-ups once their SOS is on the server, one
 * CSRF refresh when the token was refused; an entry is deleted only once the server answered
 * 2xx (or said it is moot). Classic-script safe; after the other outbox-*.js.
 * Attaches `self.CompatriotOutboxParts.flush`.
 */
(function attach(scope) {
  "use strict";

  const { store, cases, queue, device } = scope.CompatriotOutboxParts;
  // Not about an SOS case: sent on their own, and a 404 means "not for me" (dropped).
  const STANDALONE = ["rollcall-answer", "device", "device-delete", "click"];

  function isTokenError(status, body) {
    if (status === 401) return true;
    const headers = body && body.errors && body.errors.headers;
    return status === 400 && Boolean(headers && headers["X-CSRFToken"]);
  }

  async function send(entry, token, fetcher) {
    const headers = { Accept: "application/json", "X-CSRFToken": token || "" };
    if (entry.language) headers["Accept-Language"] = entry.language.replace("_", "-");
    if (entry.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetcher(entry.url, {
      method: entry.method || "POST", headers, credentials: "same-origin",
      body: entry.body === undefined ? undefined : JSON.stringify(entry.body),
    });
    const body = await response.json().catch(() => null);
    return { status: response.status, ok: response.ok, body };
  }

  /** Send with the token we hold; refused once for the token, get a fresh one and try again. */
  async function sendWithToken(entry, session) {
    let answer = await send(entry, session.token || entry.csrf, session.fetcher);
    if (isTokenError(answer.status, answer.body) && !session.refreshed && session.refreshToken) {
      session.refreshed = true;
      session.token = (await session.refreshToken().catch(() => null)) || session.token;
      if (session.token) await store.setToken(session.token);
      answer = await send(entry, session.token || entry.csrf, session.fetcher);
    }
    return answer;
  }

  /** After the server answered a standalone entry: true when it is done with (sent or moot). */
  async function settleStandalone(entry, answer) {
    if (!answer.ok && answer.status !== 404) {
      await store.markError(entry, answer.status, (answer.body && answer.body.message) || "");
      return false;
    }
    await (await store.db()).delete("entries", entry.key);
    if (answer.ok && entry.kind === "rollcall-answer" && answer.body) {
      await queue.answerTaken(entry, answer.body);
    } else if (answer.ok && entry.kind === "device" && answer.body) {
      await device.registered(answer.body);
    }
    return true;
  }

  /** After the server answered an entry about a case: true when it is done with. */
  async function settleCase(entry, answer, fetcher) {
    const closed = answer.status === 409 && entry.kind !== "sos";
    if (!answer.ok && !closed) {
      // Kept, never dropped: shown on the SOS screen and tried again next time.
      await store.markError(entry, answer.status, (answer.body && answer.body.message) || "");
      return false;
    }
    await (await store.db()).delete("entries", entry.key);
    if (answer.ok && entry.kind !== "position" && answer.body) {
      await cases.applyServerCase(entry.case, answer.body);
    } else if (closed) {
      await cases.refreshCase(entry.case, fetcher);
    }
    return true;
  }

  async function flushNow({ fetcher = scope.fetch.bind(scope), refreshToken } = {}) {
    const result = { sent: 0, left: 0, offline: false };
    const waiting = new Set();
    const session = { token: await store.getMeta("csrf"), refreshed: false, fetcher, refreshToken };
    const holdBack = (entry) => {
      result.left += 1;
      if (entry.kind === "sos") waiting.add(entry.case);
    };
    for (const entry of await store.entries()) {
      if (result.offline || entry.not_before > Date.now()
          || (entry.kind !== "sos" && waiting.has(entry.case))) {
        holdBack(entry);
        continue;
      }
      let answer;
      try {
        answer = await sendWithToken(entry, session);
      } catch (error) {
        result.offline = true;
        holdBack(entry);
        continue;
      }
      const done = STANDALONE.includes(entry.kind) ? await settleStandalone(entry, answer)
        : await settleCase(entry, answer, fetcher);
      if (done) result.sent += 1;
      else holdBack(entry);
    }
    store.changed();
    return result;
  }

  /**
   * Send what is queued. `refreshToken()` resolves with a fresh CSRF token or null. Resolves
   * with {sent, left, offline}: offline is true when the network failed (worth retrying later).
   * Replays are harmless (the server dedupes), so two contexts flushing at once is safe;
   * a Web Lock keeps it to one where locks exist.
   */
  function flush(options) {
    const locks = scope.navigator && scope.navigator.locks;
    if (locks) return locks.request(store.DB_NAME, () => flushNow(options));
    return flushNow(options);
  }

  scope.CompatriotOutboxParts.flush = { flush };
}(self));
