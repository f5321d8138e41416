"""Web Push in the traveler app: turning alerts on registers the device for real; alerts and
roll calls the server really sent (decrypted by the local receiver) are delivered to the service
worker over the DevTools protocol; taps are reported and "I am safe" answers once, without the
app; "your SOS was received" reaches the SOS screen. Helpers: tests/browser/pushing.py."""
from __future__ import annotations

import base64
import json
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.auth import STAFF_PASSWORD, ApiClient, enrol
from tests.browser.pushing import (
    STUB,
    Worker,
    devices_of,
    email_of,
    enable_alerts_in_settings,
    ready,
    shot,
    to_arabic,
    wait_until,
)
from tests.conftest import writing
from tests.pushreceiver import PushReceiver, make_subscription


@pytest.fixture
def browser_context_args(browser_context_args):
    # Granting one permission denies the others: Background Sync must be listed too.
    return {**browser_context_args, "permissions": ["notifications", "background-sync"]}


@pytest.fixture
def receiver(live_app):
    from server.devices.keys import public_key

    with live_app.app_context():
        key = public_key()
    with PushReceiver(expected_vapid_public_key=key,
                      subject=live_app.config["VAPID_SUBJECT"]) as push_receiver:
        yield push_receiver


@pytest.fixture
def subscription(page, receiver):
    sub = make_subscription(receiver, f"phone-{uuid.uuid4().hex[:8]}")
    page.add_init_script(STUB % json.dumps(sub.as_json()))
    return sub


@pytest.fixture
def staff(live_app):
    """An officer of the embassy in France, signed in through the API."""
    from server.db import db
    from server.staff import services

    email = f"officer-{uuid.uuid4().hex[:8]}@example.org"
    with writing(live_app):
        services.create_staff(email=email, name="Chen Jing", role="officer",
                              password=STAFF_PASSWORD, embassy_key="fr-paris")
        db.session.commit()
    live_app.test_client_class = ApiClient
    client = live_app.test_client()
    client.get("/api/config")
    enrol(client, email)
    return client


def test_settings_switch_registers_the_device_and_removes_it(
        page, traveler, subscription, live_app):
    from server.devices.keys import public_key

    ready(page, traveler)
    # The offer comes once a trip is saved, not on first load.
    page.wait_for_selector("#push-prompt")
    enable_alerts_in_settings(page)
    assert devices_of(live_app, email_of(traveler)) == [(subscription.endpoint, "en")]
    with live_app.app_context():
        key = public_key()
    subscribed_with = base64.b64decode(page.evaluate("() => localStorage['test.subscribed']"))
    assert subscribed_with == base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))

    # The server's key changed since (VAPID rotation): the next start subscribes again with it.
    page.evaluate("""async () => self.CompatriotOutbox.setMeta("push", {
      ...(await self.CompatriotOutbox.getMeta("push")), key: "an-older-key" })""")
    page.reload()
    page.wait_for_selector("html[data-ready]")
    # Polled from here: wait_for_function does not await a promise (it is truthy at once).
    wait_until(lambda: (page.evaluate("() => self.CompatriotOutbox.getMeta('push')") or {})
               .get("key") == key, what="the subscription with the new key")
    assert page.evaluate("() => localStorage['test.unsubscribed']") == "1"
    assert page.evaluate("() => self.CompatriotOutbox.getMeta('push')")["key"] == key
    assert devices_of(live_app, email_of(traveler)) == [(subscription.endpoint, "en")]

    page.evaluate("() => localStorage.removeItem('test.unsubscribed')")
    page.goto("/#/settings")
    page.wait_for_selector("#push-toggle:checked")
    page.uncheck("#push-toggle")
    page.wait_for_selector("text=Safety alerts are off for this phone.")
    assert devices_of(live_app, email_of(traveler)) == []
    assert page.evaluate("() => localStorage['test.unsubscribed']") == "1"


def test_alert_push_shows_one_notification_per_tag_and_a_tap_is_reported(
        page, context, traveler, subscription, receiver, staff, live_app, base_url, artifacts):
    from tests.alerts.helpers import alert_body

    ready(page, traveler)
    page.goto("/#/trips")
    page.click("#push-enable")  # the in-app explanation card
    wait_until(lambda: devices_of(live_app, email_of(traveler))
               == [(subscription.endpoint, "en")], what="the device")

    created = staff.post("/api/staff/alerts", json=alert_body(
        severity="Moderate", texts=[
            {"language": "en", "headline": "Stay indoors in central Paris",
             "description": "Protests near Place de la République this afternoon."},
            {"language": "ar", "headline": "ابقوا في منازلكم في وسط باريس",
             "description": "احتجاجات قرب ساحة الجمهورية بعد ظهر اليوم."}]))
    assert created.status_code == 201, created.json
    alert_id = created.json["id"]
    assert staff.post(f"/api/staff/alerts/{alert_id}/send").status_code == 202
    [message] = wait_until(lambda: receiver.received(subscription.name), what="the alert push")
    assert message.json["alert_id"] == alert_id

    worker = Worker(page, context, base_url)
    worker.push(message.payload)
    [shown] = worker.notifications(1)
    assert shown["tag"] == message.json["tag"]
    assert shown["title"] == "Stay indoors in central Paris"
    assert shown["body"] == "Protests near Place de la République this afternoon."
    assert shown["icon"].endswith("/icons/severity-moderate.png")
    assert shown["data"]["url"] == f"/#/alerts/{alert_id}"
    assert not shown["requireInteraction"]

    worker.push(message.payload)  # a re-delivery replaces, never stacks
    page.wait_for_timeout(500)
    assert len(worker.notifications()) == 1
    saved = page.evaluate("() => caches.open('compatriot-api').then((c) => c.match("
                          "'/api/alerts', {ignoreVary: true})).then((r) => r.json())")
    assert saved[0]["id"] == alert_id

    worker.click(shown["tag"])
    wait_until(lambda: clicked_at(live_app, alert_id, email_of(traveler)), what="the click")
    assert worker.notifications() == []

    page.goto("/#/alerts")
    page.wait_for_selector(f"a[href='#/alerts/{alert_id}']")
    shot(page, artifacts, "alerts-inbox.png")
    to_arabic(page, live_app, traveler, subscription)
    page.goto("/#/alerts")
    page.wait_for_selector("text=ابقوا في منازلكم في وسط باريس")
    shot(page, artifacts, "alerts-inbox-ar.png")

    # A cancellation takes the place of the alert's notification (same tag).
    worker.push(message.payload)
    worker.notifications(1)
    assert staff.post(f"/api/staff/alerts/{alert_id}/cancel").status_code == 200
    cancel = wait_until(lambda: receiver.received(subscription.name)[1:],
                        what="the cancellation")[0]
    assert cancel.json["kind"] == "cancel" and cancel.json["tag"] == message.json["tag"]
    worker.push(cancel.payload)
    [replaced] = wait_until(lambda: [n for n in worker.notifications()
                                     if n["title"] != shown["title"]], what="the replacement")
    assert len(worker.notifications()) == 1
    assert (replaced["tag"], replaced["title"], replaced["body"]) == (
        message.json["tag"], cancel.json["headline"], cancel.json["body"])
    assert replaced["title"] == "Cancelled: Stay indoors in central Paris"
    assert not replaced["requireInteraction"]
    saved = page.evaluate("() => caches.open('compatriot-api').then((c) => c.match("
                          "'/api/alerts', {ignoreVary: true})).then((r) => r.json())")
    assert [(a["id"], a["cancelled"]) for a in saved][-1] == (alert_id, True)


def test_sos_acknowledged_push_says_which_mission_received_it(
        page, context, traveler, subscription, receiver, staff, live_app, base_url):
    ready(page, traveler)
    enable_alerts_in_settings(page)
    case_uuid = str(uuid.uuid4())
    page.evaluate("""async (id) => {
      await self.CompatriotOutbox.queueSos({ client_uuid: id, raised_at: new Date().toISOString(),
        message: null, lat: null, lon: null, accuracy: null, trip_id: null }, {});
      // As the app does (pwa/js/sos.js): the CSRF token changed at sign-in, after the page
      // first saved one.
      await self.CompatriotOutbox.flush({ refreshToken: self.CompatriotShared.refreshToken });
    }""", case_uuid)
    [case] = [c for c in staff.get("/api/staff/sos").json if c["client_uuid"] == case_uuid]
    patched = staff.patch(f"/api/staff/sos/{case['id']}", json={"state": "acknowledged"})
    assert patched.status_code == 200, patched.json
    [message] = wait_until(lambda: receiver.received(subscription.name), what="the push")

    worker = Worker(page, context, base_url)
    worker.push(message.payload)
    [shown] = worker.notifications(1)
    assert shown["title"] == message.json["title"]
    assert shown["body"] == "Your SOS was received by Embassy in France (sample)."
    assert shown["tag"] == f"sos-{case_uuid}"
    wait_until(lambda: page.evaluate("(id) => self.CompatriotOutbox.getCase(id)", case_uuid)
               ["state"] == "acknowledged", what="the case acknowledged on the phone")


def test_iphone_safari_is_told_to_add_the_app_to_the_home_screen_first(
        browser, browser_context_args, traveler):
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
    context = browser.new_context(**{**browser_context_args, "user_agent": iphone})
    page = context.new_page()
    traveler.page = page
    try:
        traveler.sign_up()
        traveler.add_trip(country="FR", city="Paris", start=date.today(), days=10)
        page.wait_for_selector("#push-prompt")
        assert "Home Screen" in page.text_content("#push-prompt")
        assert page.locator("#push-enable").count() == 0
        page.goto("/#/settings")
        page.wait_for_selector("#push-toggle:disabled")
        assert "Home Screen" in page.text_content(".switch")
    finally:
        context.close()


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


def test_roll_call_push_shows_two_actions_and_safe_is_answered_once_without_the_app(
        page, context, traveler, subscription, receiver, staff, live_app, base_url, artifacts):
    ready(page, traveler)
    enable_alerts_in_settings(page)
    from server.db import utcnow

    started = staff.post("/api/staff/rollcalls", json={
        "texts": [{"language": "en", "question": "Earthquake near Paris. Are you safe?"},
                  {"language": "ar", "question": "زلزال قرب باريس. هل أنت بأمان؟"}],
        "areas": [{"kind": "country", "code": "FR"}],
        "deadline": (utcnow() + timedelta(hours=6)).isoformat()})
    assert started.status_code == 202, started.json
    rollcall_id = started.json["id"]
    [message] = wait_until(lambda: receiver.received(subscription.name), what="the question")

    worker = Worker(page, context, base_url)
    worker.push(message.payload)
    [shown] = worker.notifications(1)
    assert shown["title"] == "Are you safe?"
    assert shown["body"] == "Earthquake near Paris. Are you safe?"
    assert shown["tag"] == f"rollcall-{rollcall_id}"
    assert shown["actions"] == [{"action": "safe", "title": "I am safe"},
                                {"action": "help", "title": "I need help"}]
    assert shown["requireInteraction"]

    page.goto("/#/trips")
    page.wait_for_selector(f"[data-rollcall='{rollcall_id}']")
    shot(page, artifacts, "rollcall-prompt.png")
    to_arabic(page, live_app, traveler, subscription)
    page.goto("/#/trips")
    page.wait_for_selector("text=زلزال قرب باريس. هل أنت بأمان؟")
    shot(page, artifacts, "rollcall-prompt-ar.png")

    # One tap on "I am safe", and the same event again: one answer on the server.
    worker.click(shown["tag"], "safe", times=2)
    wait_until(lambda: answers(live_app, rollcall_id), what="the answer")
    page.wait_for_timeout(1000)
    assert answers(live_app, rollcall_id) == [("safe", 1, False)]
    totals = staff.get(f"/api/staff/rollcalls/{rollcall_id}").json["totals"]
    assert totals["safe"] == 1
    assert page.evaluate("() => self.CompatriotOutbox.entries()") == []

    # In the app, offline: "I need help" for three, wanting evacuation; queued, then sent.
    page.goto("/#/trips")
    card = f"[data-rollcall='{rollcall_id}']"
    page.wait_for_selector(card)
    context.set_offline(True)
    page.fill(f"{card} input[type=number]", "3")
    page.check(f"{card} input[type=checkbox]")
    page.click(f"{card} [data-answer=help]")
    page.wait_for_function("() => location.hash === '#/sos'")
    [entry] = page.evaluate("() => self.CompatriotOutbox.entries()")
    assert (entry["kind"], entry["body"]["answer"], entry["body"]["party_size"]) == (
        "rollcall-answer", "help", 3)
    context.set_offline(False)
    wait_until(lambda: len(answers(live_app, rollcall_id)) == 2, what="the queued answer")
    assert answers(live_app, rollcall_id)[1] == ("help", 3, True)
    case = staff.get(f"/api/staff/rollcalls/{rollcall_id}").json["totals"]
    assert (case["safe"], case["help"]) == (0, 1)
    # The SOS case the server opened for "I need help" is followed on the phone.
    wait_until(lambda: len(page.evaluate("() => self.CompatriotOutbox.cases()")) == 1,
               what="the SOS case on the phone")


def answers(live_app, rollcall_id):
    from server.db import db
    from server.rollcall.models import RollCallAnswer

    with live_app.app_context():
        rows = db.session.execute(select(
            RollCallAnswer.answer, RollCallAnswer.party_size, RollCallAnswer.wants_evacuation)
            .where(RollCallAnswer.rollcall_id == rollcall_id)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


# Chromium never fires pushsubscriptionchange here (no push service): the test dispatches one in
# the worker. waitUntil throws on a constructed event, but the handler starts its work first.
SUBSCRIPTION_CHANGE = """async ([old, fresh]) => {
  const asSubscription = (sub, options) => sub && ({ endpoint: sub.endpoint, options,
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }) });
  if (!fresh) {  // the handler subscribes again itself: with the old subscription's key
    self.PushManager.prototype.subscribe = async function subscribe(options) {
      self.subscribedWith = btoa(String.fromCharCode(...new Uint8Array(
        options.applicationServerKey)));
      return asSubscription(old.next, options);
    };
  }
  const event = new ExtendableEvent("pushsubscriptionchange");
  Object.defineProperty(event, "oldSubscription", { value: asSubscription(old,
    { applicationServerKey: Uint8Array.from(atob(old.key), (c) => c.charCodeAt(0)).buffer }) });
  Object.defineProperty(event, "newSubscription", { value: asSubscription(fresh, {}) });
  self.dispatchEvent(event);
}"""


def test_a_changed_push_subscription_registers_the_device_again_from_the_worker(
        page, context, traveler, subscription, receiver, live_app):
    from server.devices.keys import public_key

    ready(page, traveler)
    enable_alerts_in_settings(page)
    email = email_of(traveler)
    assert devices_of(live_app, email) == [(subscription.endpoint, "en")]
    with live_app.app_context():
        key = public_key()
    raw_key = base64.b64encode(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))).decode()
    worker = context.service_workers[0]

    # The browser hands over the new subscription.
    renewed = make_subscription(receiver, f"renewed-{uuid.uuid4().hex[:8]}")
    old = {**subscription.as_json(), "key": raw_key}
    worker.evaluate(SUBSCRIPTION_CHANGE, [old, renewed.as_json()])
    wait_until(lambda: (renewed.endpoint, "en") in devices_of(live_app, email),
               what="the renewed subscription registered")

    # No new subscription given: the worker subscribes again with the old one's server key.
    again = make_subscription(receiver, f"again-{uuid.uuid4().hex[:8]}")
    worker.evaluate(SUBSCRIPTION_CHANGE, [{**old, "next": again.as_json()}, None])
    wait_until(lambda: (again.endpoint, "en") in devices_of(live_app, email),
               what="the worker's own subscription registered")
    assert worker.evaluate("() => self.subscribedWith") == raw_key
