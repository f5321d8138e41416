"""Helpers of the traveler app's push tests (tests/browser/push/): the PushManager stub, the
service worker driven over the DevTools protocol, reading the live app's database."""
from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# PushManager.subscribe never settles here (no push service): the page gets a subscription
# whose keys the test owns, so the server encrypts for keys the receiver can decrypt.
STUB = """
(() => {
  const sub = %s;
  const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")
    + "===".slice((text.length + 3) %% 4)), (c) => c.charCodeAt(0)).buffer;
  const make = (options) => ({
    endpoint: sub.endpoint, expirationTime: null, options,
    getKey: (name) => bytes(sub.keys[name]),
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
    unsubscribe: async () => {
      localStorage.removeItem("test.subscribed");
      localStorage.setItem("test.unsubscribed", "1");
      return true;
    },
  });
  PushManager.prototype.subscribe = async function subscribe(options) {
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem("test.subscribed", btoa(String.fromCharCode(...key)));
    return make(options);
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    return localStorage.getItem("test.subscribed") ? make({}) : null;
  };
})();
"""

NOTIFICATIONS = """() => navigator.serviceWorker.ready.then((r) => r.getNotifications())
  .then((list) => list.map((n) => ({ tag: n.tag, title: n.title, body: n.body, icon: n.icon,
    actions: n.actions.map((a) => ({ action: a.action, title: a.title })),
    requireInteraction: n.requireInteraction, renotify: n.renotify, data: n.data })))"""

CLICK = """async ([tag, action, times]) => {
  const [notification] = await self.registration.getNotifications({ tag });
  for (let i = 0; i < times; i += 1) {
    self.dispatchEvent(new NotificationEvent("notificationclick", { notification, action }));
  }
}"""


def devices_of(live_app, email):
    from server.accounts.models import User
    from server.db import db
    from server.devices.models import Device

    with live_app.app_context():
        rows = db.session.execute(select(Device.endpoint, Device.language).join(
            User, Device.user_id == User.id).where(User.email == email)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def email_of(traveler):
    return f"traveler{traveler.counter}@example.org"


def wait_until(check, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return result


def box(page, selector, timeout=15.0):
    """The element's bounding box once it is laid out: None while a re-render (a language
    switch, a poll) has it detached or hidden."""
    return wait_until(lambda: page.locator(selector).bounding_box(), timeout,
                      f"{selector} to be laid out")


class Worker:
    """The app's service worker over the DevTools protocol: push delivery and event dispatch."""

    def __init__(self, page, context, base_url):
        self.page, self.context, self.origin = page, context, base_url
        self.registrations = {}
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("ServiceWorker.workerRegistrationUpdated", self._updated)
        self.cdp.send("ServiceWorker.enable")
        deadline = time.monotonic() + 10
        while not self.registration_id():
            assert time.monotonic() < deadline, "no service worker registration"
            page.wait_for_timeout(100)

    def _updated(self, event):
        for registration in event["registrations"]:
            self.registrations[registration["registrationId"]] = registration

    def registration_id(self):
        return next((r["registrationId"] for r in self.registrations.values()
                     if r["scopeURL"] == self.origin + "/" and not r["isDeleted"]), None)

    def push(self, payload: bytes):
        self.cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": self.origin, "registrationId": self.registration_id(),
            "data": payload.decode()})

    def notifications(self, count=None):
        if count is None:
            return self.page.evaluate(NOTIFICATIONS)
        deadline = time.monotonic() + 10
        while len(shown := self.page.evaluate(NOTIFICATIONS)) != count:
            assert time.monotonic() < deadline, f"{len(shown)} notifications, not {count}"
            self.page.wait_for_timeout(100)
        return shown

    def click(self, tag, action="", times=1):
        """Dispatch notificationclick inside the worker (the same notification `times` times:
        a tap cannot be made here, and the first one closes the notification)."""
        self.context.service_workers[0].evaluate(CLICK, [tag, action, times])


def enable_alerts_in_settings(page):
    page.goto("/#/settings")
    page.wait_for_selector("#push-toggle")
    assert not page.is_checked("#push-toggle")
    page.check("#push-toggle")
    page.wait_for_selector("text=Safety alerts are on for this phone.")


def ready(page, traveler):
    traveler.sign_up()
    traveler.add_trip(country="FR", city="Paris", start=date.today(), days=10)
    traveler.wait_for_service_worker()


def clicked_at(live_app, alert_id, email):
    from server.accounts.models import User
    from server.broadcast.models import Delivery
    from server.db import db

    with live_app.app_context():
        value = db.session.scalar(select(Delivery.clicked_at).join(
            User, Delivery.user_id == User.id).where(
            Delivery.alert_id == alert_id, User.email == email))
        db.session.remove()
        return value


def to_arabic(page, live_app, traveler, subscription):
    """Switch the app to Arabic in settings: the device is registered again in Arabic."""
    page.goto("/#/settings")
    page.wait_for_selector("#push-toggle:checked")
    page.select_option("select", "ar")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    wait_until(lambda: devices_of(live_app, email_of(traveler))
               == [(subscription.endpoint, "ar")], what="the device in Arabic")


def shot(page, artifacts, name):
    path = artifacts / name
    page.screenshot(path=str(path), full_page=True)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / name)
