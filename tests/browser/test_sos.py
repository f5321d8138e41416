"""SOS from the phone: hold to confirm, outbox first, replayed once online, its state told."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import writing

LOUVRE = {"latitude": 48.8606, "longitude": 2.3376, "accuracy": 25}
FRANCE_EMERGENCY = "tel:+33199001235"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def browser_context_args(browser_context_args):
    # Granting one permission denies the others: Background Sync must be listed too.
    return {**browser_context_args, "geolocation": LOUVRE,
            "permissions": ["geolocation", "background-sync"]}


def hold(page, selector, ms=2200):
    """Press and hold like a finger would, then let go."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()


def wait_state(page, state, timeout=15000):
    page.wait_for_selector(f'[data-sos-state="{state}"]', timeout=timeout)


def local_cases(page):
    return page.evaluate("() => self.CompatriotOutbox.cases()")


def server_cases(live_app, email):
    from server.accounts.models import User
    from server.db import db
    from server.sos.models import SosCase

    with live_app.app_context():
        cases = db.session.scalars(select(SosCase).join(User, SosCase.user_id == User.id)
                                   .where(User.email == email)).all()
        result = [{"uuid": c.client_uuid, "lat": c.lat, "lon": c.lon, "accuracy": c.accuracy,
                   "routed_by": c.routed_by, "state": c.state, "id": c.id,
                   "mission": c.embassy.name if c.embassy else None} for c in cases]
        db.session.remove()
        return result


def email_of(traveler):
    return f"traveler{traveler.counter}@example.org"


def ready_with_trip(page, traveler):
    traveler.sign_up()
    traveler.add_trip(country="FR", city="Paris")
    page.goto("/#/trips")
    page.wait_for_selector("#trip-list")
    traveler.wait_for_service_worker()
    page.wait_for_function(
        "() => caches.open('compatriot-api').then((c) => c.match('/api/trips')).then(Boolean)")


def test_sos_raised_offline_is_queued_survives_a_reload_and_is_sent_once_online(
        page, context, traveler, live_app):
    ready_with_trip(page, traveler)
    context.set_offline(True)
    hold(page, "#sos-button")
    page.wait_for_selector("#sos-send-now")
    page.click("#sos-send-now")
    wait_state(page, "queued")
    assert "Queued" in page.locator("#sos-panel").inner_text()
    [entry] = page.evaluate("() => self.CompatriotOutbox.entries()")
    assert entry["kind"] == "sos"
    assert (entry["body"]["lat"], entry["body"]["lon"]) == (48.8606, 2.3376)

    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.goto("/#/sos")
    wait_state(page, "queued")

    context.set_offline(False)
    wait_state(page, "open")
    assert "Sent" in page.locator("#sos-panel").inner_text()
    assert page.evaluate("() => self.CompatriotOutbox.entries()") == []
    [case] = server_cases(live_app, email_of(traveler))
    assert case["uuid"] == entry["case"]
    assert (case["lat"], case["lon"], case["accuracy"]) == (48.8606, 2.3376, 25)
    assert case["routed_by"] == "position"
    assert case["mission"] == "Embassy in France (sample)"


def test_a_tap_or_a_cancel_in_the_window_raises_nothing(page, traveler, live_app):
    traveler.sign_up()
    page.tap("#sos-button")  # a pocket tap: opens the emergency screen, sends nothing
    page.wait_for_selector("#sos-hold")
    page.wait_for_function("() => document.getElementById('sos-live').textContent"
                           ".includes('Hold')")  # told how to send one
    hold(page, "#sos-hold", ms=600)
    page.wait_for_timeout(300)
    assert page.locator("#sos-cancel").count() == 0

    hold(page, "#sos-hold")
    page.wait_for_selector("#sos-cancel")
    assert page.evaluate("() => document.activeElement.id") == "sos-cancel"
    page.click("#sos-cancel")
    page.wait_for_selector("#sos-hold")
    page.wait_for_timeout(500)
    assert local_cases(page) == []
    assert server_cases(live_app, email_of(traveler)) == []


def test_keyboard_hold_raises_an_sos_once_the_cancel_window_runs_out_despite_a_stale_token(
        page, traveler, live_app):
    traveler.sign_up()
    # An expired token held for the worker is replaced after the server refuses it.
    page.evaluate("() => self.CompatriotOutbox.setToken('expired-token')")
    page.focus("#sos-button")
    page.keyboard.down("Space")
    page.wait_for_timeout(2200)
    page.keyboard.up("Space")
    page.wait_for_selector("#sos-cancel")
    wait_state(page, "open")
    [case] = server_cases(live_app, email_of(traveler))
    assert case["state"] == "open"
    assert [c["uuid"] for c in local_cases(page)] == [case["uuid"]]
    assert page.evaluate("() => self.CompatriotOutbox.getMeta('csrf')") not in (None,
                                                                             "expired-token")


def test_calls_and_a_text_with_my_position_are_offered_offline(page, context, traveler):
    ready_with_trip(page, traveler)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.goto("/#/sos")
    page.wait_for_selector(f'.sos-calls a[href="{FRANCE_EMERGENCY}"]')
    assert page.locator('.sos-calls a[href="tel:+861012308"]').count() == 1
    page.wait_for_function("() => document.querySelector('#sos-sms').href.includes('48.8606')")
    sms = page.locator("#sos-sms").get_attribute("href")
    assert sms.startswith("sms:+33199001235?body=")
    assert "48.8606%2C2.3376" in sms
    assert "openstreetmap.org" in sms


def test_signed_out_and_offline_the_hotline_is_still_offered(page, context, traveler):
    """The public settings (the hotline among them) are precached with the app shell: the
    page's first fetch of them came before the worker controlled it, and a sign-out empties
    the API cache, so neither leaves a copy for a start with no network."""
    traveler.sign_up()
    traveler.wait_for_service_worker()
    page.goto("/#/settings")
    page.click("#sign-out")
    page.wait_for_function("() => location.hash === '#/welcome'")
    page.wait_for_function("() => caches.open('compatriot-api').then((c) => c.keys())"
                           ".then((keys) => keys.length === 0)")  # nothing of mine is left
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.goto("/#/sos")
    page.wait_for_selector('.sos-calls a[href="tel:+861012308"]')


@pytest.mark.parametrize("language", ["en", "ar"])
def test_acknowledgement_shows_received_by_the_mission(page, traveler, live_app, artifacts,
                                                       language):
    from server.db import db
    from server.sos import services as sos_services
    from server.staff.services import create_staff

    if language != "en":
        page.goto("/#/welcome")
        page.wait_for_selector("html[data-ready]")
        page.select_option(".language-picker select", language)
        page.wait_for_function(f"() => document.documentElement.lang === '{language}'")
    traveler.sign_up()
    traveler.add_trip(country="FR", city="Paris")
    page.clock.install()
    hold(page, "#sos-button")
    page.click("#sos-send-now")
    wait_state(page, "open")
    [case] = server_cases(live_app, email_of(traveler))

    with writing(live_app):
        officer = create_staff(f"officer-{case['uuid'][:8]}@example.org", "Officer Dupont",
                               "officer", "a long staff password", embassy_key="fr-paris")
        sos_services.update_case(officer, case["id"], {"state": "acknowledged"})
        db.session.commit()
        db.session.remove()

    page.clock.fast_forward(16_000)  # the screen asks the server every 15 s
    wait_state(page, "acknowledged")
    expected = live_app.test_client().get(f"/api/i18n/{language}.json").json["messages"]
    # The mission's name in the traveler's language, as the trips carry it.
    name = {"en": "Embassy in France (sample)", "ar": "السفارة في فرنسا (نموذج)"}[language]
    title = expected.get("Received by {mission}.") or "Received by {mission}."
    assert title.format(mission=name) in page.locator("#sos-panel").inner_text()

    page.wait_for_load_state("networkidle")
    path = artifacts / f"sos-received-{language}.png"
    page.screenshot(path=str(path))
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, DOCS / ("sos.png" if language == "en" else f"sos-{language}.png"))


def test_background_sync_sends_a_queued_sos_with_the_app_closed(page, context, traveler,
                                                                live_app):
    traveler.sign_up()
    traveler.wait_for_service_worker()
    context.set_offline(True)
    hold(page, "#sos-button")
    page.click("#sos-send-now")
    wait_state(page, "queued")
    page.goto("about:blank")  # no page of the app is left to replay it

    context.set_offline(False)
    for _attempt in range(50):
        if server_cases(live_app, email_of(traveler)):
            break
        page.wait_for_timeout(200)
    [case] = server_cases(live_app, email_of(traveler))
    assert (case["lat"], case["lon"]) == (48.8606, 2.3376)


def test_open_sos_sends_positions_and_i_am_safe_is_queued_offline(page, context, traveler,
                                                                  live_app):
    from server.db import db
    from server.sos.models import SosPosition

    traveler.sign_up()
    traveler.wait_for_service_worker()
    # The trail is what location consent adds (tests/browser/test_settings.py: none without).
    page.goto("/#/settings")
    page.check("#consent-toggle")
    page.wait_for_function("() => document.body.innerText.includes('Saved.')")
    page.clock.install()
    hold(page, "#sos-button")
    page.click("#sos-send-now")
    wait_state(page, "open")
    context.set_geolocation({"latitude": 48.8738, "longitude": 2.2950, "accuracy": 40})
    page.clock.fast_forward(181_000)  # a position every 3 minutes while the case is open
    [case] = server_cases(live_app, email_of(traveler))
    for _attempt in range(50):
        with live_app.app_context():
            trail = db.session.scalars(select(SosPosition).where(
                SosPosition.case_id == case["id"]).order_by(SosPosition.recorded_at)).all()
            trail = [(p.lat, p.lon) for p in trail]
            db.session.remove()
        if len(trail) == 2:
            break
        page.wait_for_timeout(200)
    assert trail == [(48.8606, 2.3376), (48.8738, 2.2950)]

    context.set_offline(True)
    page.click("#sos-safe")
    page.click("#sos-safe-confirm")
    wait_state(page, "cancel-queued")
    assert server_cases(live_app, email_of(traveler))[0]["state"] == "open"
    context.set_offline(False)
    wait_state(page, "cancelled")
    assert server_cases(live_app, email_of(traveler))[0]["state"] == "cancelled"
