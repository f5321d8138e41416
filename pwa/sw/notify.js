/* What a push shows and what a tap on it does, for the service worker (importScripts after
 * shared.js and outbox.js). Classic-script safe: it attaches `self.CompatriotNotify`.
 *
 * The server localizes what it sends (titles, bodies, roll-call button labels); the few
 * fallbacks here come from the app's catalog as the worker last saw it in the API cache.
 * Every payload names what it is in one field, `kind`: "alert", "update" or "cancel"
 * {kind, alert_id, headline, body, severity, url, tag}; "rollcall" {kind, rollcall_id, title,
 * question, actions, tag, url, lang}; "sos" (my SOS changed) {kind, case, state, mission,
 * title, body, tag}. Anything else is shown as a plain message.
 */
/* global CompatriotOutbox, CompatriotShared */
(function attach(scope) {
  "use strict";

  const { API_CACHE, uuid4, keyBytes } = CompatriotShared;
  const SEVERITY_ICONS = {
    Extreme: "/icons/severity-extreme.png", Severe: "/icons/severity-severe.png",
    Moderate: "/icons/severity-moderate.png", Minor: "/icons/severity-minor.png",
  };
  const BADGE = "/icons/badge.png";
  // The alert kinds of a payload, with the CAP msgType the inbox shows.
  const ALERT_KINDS = { alert: "Alert", update: "Update", cancel: "Cancel" };
  let messages = {};

  function _(message, params) {
    const text = messages[message] || message;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (match, key) => (key in params ? String(params[key]) : match));
  }

  /** Load the catalog of `language` (else the app's last language) from the API cache. */
  async function loadStrings(language) {
    try {
      const code = language || (await CompatriotOutbox.getMeta("language")) || "en";
      const cached = await caches.match("/api/i18n/" + encodeURIComponent(code) + ".json",
                                        { cacheName: API_CACHE, ignoreVary: true });
      messages = cached ? ((await cached.json()).messages || {}) : {};
    } catch (error) {
      messages = {};
    }
  }

  /** "/alerts/7" (the server's path) -> "/#/alerts/7" (the app's hash route). */
  function appUrl(url) {
    if (!url) return "/";
    return url.startsWith("/#") ? url : "/#" + (url.startsWith("/") ? url : "/" + url);
  }

  /** [title, options] for showNotification, from a push payload (pure but for the UUIDs). */
  function notificationFor(payload) {
    if (payload.kind === "rollcall") return rollcallNotification(payload);
    if (ALERT_KINDS[payload.kind]) return alertNotification(payload);
    if (payload.kind === "sos") {
      return [payload.title || _("Your SOS was received"), {
        body: payload.body || _("Your SOS was received by {mission}", { mission: payload.mission }),
        tag: payload.tag || "sos-" + payload.case, icon: "/icons/icon-192.png", badge: BADGE,
        renotify: true,
        data: { kind: "sos", case: payload.case, url: "/#/sos" } }];
    }
    return [payload.title || _("Compatriot"), {
      body: payload.body || _("Open the app for details."), tag: payload.tag,
      icon: "/icons/icon-192.png", badge: BADGE, data: { kind: "other", url: "/" } }];
  }

  function alertNotification(payload) {
    const cancel = payload.kind === "cancel";
    const urgent = !cancel && ["Extreme", "Severe"].includes(payload.severity);
    const title = payload.headline
      || (cancel ? _("This alert was cancelled") : _("Safety alert"));
    return [title, {
      body: payload.body || "", tag: payload.tag || "alert-" + payload.alert_id,
      icon: cancel ? "/icons/severity-info.png"
        : SEVERITY_ICONS[payload.severity] || "/icons/severity-info.png",
      badge: BADGE, renotify: urgent,
      requireInteraction: !cancel && payload.severity === "Extreme",
      timestamp: Date.now(),
      data: { kind: "alert", alert_id: payload.alert_id, url: appUrl(payload.url) } }];
  }

  function rollcallNotification(payload) {
    const labels = { safe: _("I am safe"), help: _("I need help") };
    const actions = (payload.actions || [{ action: "safe" }, { action: "help" }])
      .map((item) => ({ action: item.action, title: item.title || labels[item.action] }));
    return [payload.title || _("Are you safe?"), {
      body: payload.question || "", tag: payload.tag || "rollcall-" + payload.rollcall_id,
      lang: payload.lang ? payload.lang.replace("_", "-") : undefined,
      icon: "/icons/icon-192.png", badge: BADGE, actions, requireInteraction: true,
      renotify: true, timestamp: Date.now(),
      // One UUID per button of this notification: a repeated tap (or event) is one answer.
      data: { kind: "rollcall", rollcall_id: payload.rollcall_id,
              url: appUrl(payload.url || "/rollcalls/" + payload.rollcall_id),
              answer_uuids: { safe: uuid4(), help: uuid4() } } }];
  }

  function readPayload(data) {
    if (!data) return {};
    try {
      return data.json();
    } catch (error) {
      return { body: data.text() };
    }
  }

  /** The `push` event's work: show first, then keep a copy for the app (offline inbox). */
  async function onPush(data) {
    const payload = readPayload(data);
    await loadStrings(payload.lang);
    const [title, options] = notificationFor(payload);
    await scope.registration.showNotification(title, options);
    try {
      if (options.data.kind === "alert") await keepInInbox(payload);
      if (options.data.kind === "sos") await noteAcknowledged(payload);
      // An open app redraws the screen that shows it (the inbox, the roll-call prompt).
      const windows = await scope.clients.matchAll({ type: "window" });
      windows.forEach((client) => client.postMessage({ type: "PUSH", kind: options.data.kind }));
    } catch (error) {
      // The notification is what matters; the saved copies are refreshed by the app anyway.
    }
  }

  /** Add the alert to the saved copy of my inbox, so it is there with no network. */
  async function keepInInbox(payload) {
    const cache = await caches.open(API_CACHE);
    const saved = await cache.match("/api/alerts", { ignoreVary: true });
    const list = saved ? await saved.json().catch(() => []) : [];
    const thread = Number(String(payload.tag || "").replace(/^alert-/, ""));
    const cancel = payload.kind === "cancel";
    const merged = list.filter((item) => item.id !== payload.alert_id)
      .map((item) => (cancel && item.id === thread ? { ...item, cancelled: true } : item));
    merged.unshift({
      id: payload.alert_id, msg_type: ALERT_KINDS[payload.kind], severity: payload.severity,
      headline: payload.headline, description: payload.body, instruction: null, web: null,
      event: null, sent_at: new Date().toISOString(), cancelled: false, clicked_at: null,
    });
    await cache.put("/api/alerts", new Response(JSON.stringify(merged), {
      headers: { "Content-Type": "application/json" } }));
  }

  /** The mission acknowledged my SOS: the SOS screen says so even before it asks again. */
  async function noteAcknowledged(payload) {
    if (!payload.case || await CompatriotOutbox.refreshCase(payload.case)) return;
    const record = await CompatriotOutbox.getCase(payload.case);
    if (!record) return;
    await CompatriotOutbox.applyServerCase(payload.case, {
      state: payload.state || "acknowledged",
      mission: record.mission || (payload.mission ? { name: payload.mission } : null) });
  }

  /** Focus a window of the app on `url`, else open one (refused for untrusted events). */
  async function openApp(url) {
    const windows = await scope.clients.matchAll({ type: "window", includeUncontrolled: true });
    const mine = windows.find((client) => new URL(client.url).origin === scope.location.origin
                                          && !new URL(client.url).pathname.startsWith("/console"));
    try {
      if (mine) {
        const focused = await mine.focus();
        await (focused || mine).navigate(url).catch(() => null);
        return;
      }
      await scope.clients.openWindow(url);
    } catch (error) {
      // Only a real tap may focus or open a window.
    }
  }

  /** The `notificationclick` event's work; `send(options)` flushes the outbox. */
  async function onClick(notification, action, send) {
    const data = notification.data || {};
    const language = await CompatriotOutbox.getMeta("language").catch(() => null);
    if (data.kind === "rollcall" && (action === "safe" || action === "help")) {
      notification.close();
      const uuids = data.answer_uuids || {};
      await CompatriotOutbox.queueRollcallAnswer(data.rollcall_id, {
        answer: action, answered_at: new Date().toISOString(),
        client_uuid: uuids[action] || uuid4() }, { language });
      // "I need help" also opens the app on the SOS screen, with the calls to make.
      await Promise.all([send(), action === "help" ? openApp("/#/sos") : null]);
      return;
    }
    notification.close();
    const opening = openApp(data.url || "/");
    if (data.kind === "alert" && data.alert_id !== undefined) {
      await CompatriotOutbox.queueClick(data.alert_id, { language });
      await send();
    }
    await opening;
  }

  /** `pushsubscriptionchange`: register the new subscription, if alerts were turned on. */
  async function resubscribe(oldSubscription, newSubscription, send) {
    const push = await CompatriotOutbox.getMeta("push");
    if (!push) return;
    let subscription = newSubscription;
    if (!subscription) {
      const key = (oldSubscription && oldSubscription.options.applicationServerKey)
        || keyBytes((await (await fetch("/api/push/public-key")).json()).public_key);
      subscription = await scope.registration.pushManager.subscribe(
        { userVisibleOnly: true, applicationServerKey: key });
    }
    await CompatriotOutbox.queueDevice({ ...subscription.toJSON(), language: push.language },
                                       { language: push.language });
    await send();
  }

  scope.CompatriotNotify = {
    notificationFor, onPush, onClick, resubscribe, appUrl, keyBytes, loadStrings,
  };
}(self));
