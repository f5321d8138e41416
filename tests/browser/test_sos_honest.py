"""Issue 20, points 1-3: an SOS that cannot go says so, the local emergency numbers (also
offline), and the SOS screen restores what the outbox holds after a reload."""
from __future__ import annotations

import uuid

import pytest

from tests.browser.test_screens import choose_language
from tests.browser.test_sos import LOUVRE, hold, local_cases, server_cases, wait_state

TOKYO = {"latitude": 35.6812, "longitude": 139.7671, "accuracy": 30}
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE_390, "geolocation": LOUVRE,
            "permissions": ["geolocation", "background-sync"]}


PASSWORD = "correct horse battery"  # noqa: S105 (a test account's)


def make_account(live_app, email, password=PASSWORD):
    from server.accounts import services
    from server.db import db

    with live_app.test_request_context(method="POST"):
        services.create_traveler(email, services.hash_password(password), "Amal Haddad",
                                 "+33612345678", "en")
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_signed_out_sos_says_not_sent_and_goes_after_sign_in(page, live_app, artifacts,
                                                             language):
    email = f"signed-out-{language}-{uuid.uuid4().hex[:8]}@example.org"  # a rerun signs up anew
    make_account(live_app, email)
    choose_language(page, language)
    hold(page, "#sos-button")
    page.wait_for_selector("#sos-send-now")
    page.click("#sos-send-now")
    wait_state(page, "queued")
    page.wait_for_selector("#sos-sign-in")
    page.wait_for_selector('#sos-local a[href="tel:112"]')
    text = page.locator("main").inner_text()
    if language == "en":
        assert "Not sent: sign in" in text
        assert "Queued" not in text and "as soon as there is a connection" not in text
    # The calls come before the panel when no account stands behind the SOS.
    calls_y = page.locator("#sos-calls-title").bounding_box()["y"]
    assert calls_y < page.locator("#sos-panel").bounding_box()["y"]
    page.screenshot(path=str(artifacts / f"sos-signed-out-{language}.png"))
    [held] = local_cases(page)
    page.click("#sos-sign-in")
    page.fill('[data-path="email"]', email)
    page.fill('[data-path="password"]', "correct horse battery")
    page.click("form button[type=submit]")
    page.wait_for_function("() => location.hash === '#/sos'")
    wait_state(page, "open")
    [case] = server_cases(live_app, email)
    assert case["uuid"] == held["uuid"] and case["state"] == "open"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_emergency_numbers_follow_the_position_and_stay_offline(page, context, traveler,
                                                               artifacts, language):
    choose_language(page, language)
    traveler.sign_up()
    traveler.add_trip(country="FR", city="Paris")
    for number in ("112", "17", "15", "18"):
        page.wait_for_selector(f'#trip-emergency a[href="tel:{number}"]')
    # Phone numbers in international format, kept left to right in Arabic too.
    mission_line = page.locator('.mission a[href="tel:+33199001235"] bdi[dir="ltr"]')
    assert mission_line.inner_text() == "+33 1 99 00 12 35"
    assert page.locator(".contacts + *, section").filter(has_text="+86 139 0013 9000").count()
    page.screenshot(path=str(artifacts / f"trip-emergency-{language}.png"))
    context.set_geolocation(TOKYO)
    page.goto("/#/sos")
    page.wait_for_selector('#sos-local [data-country="JP"]')
    numbers = page.locator("#sos-local a.emergency-call")
    assert [numbers.nth(i).get_attribute("href") for i in range(numbers.count())] == [
        "tel:110", "tel:119"]
    assert page.locator("#sos-local a.emergency-call").first.get_attribute("dir") == "ltr"
    traveler.wait_for_service_worker()
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_selector('#sos-local a[href="tel:119"]')
    page.screenshot(path=str(artifacts / f"sos-emergency-offline-{language}.png"))
    page.goto("/#/trips")
    page.wait_for_selector("#trip-list")
    page.locator("#trip-list a").first.click()
    page.wait_for_selector('#trip-emergency a[href="tel:17"]')


def test_the_message_of_a_queued_sos_is_back_after_an_offline_reload(page, context, traveler):
    traveler.sign_up()
    traveler.wait_for_service_worker()
    context.set_offline(True)
    hold(page, "#sos-button")
    page.wait_for_selector("#sos-send-now")
    page.fill("#sos-panel textarea", "Two of us, one hurt, at the hotel")
    page.click("#sos-send-now")
    wait_state(page, "queued")
    page.reload()
    page.wait_for_selector("html[data-ready]")
    wait_state(page, "queued")
    page.wait_for_function(
        "() => document.querySelector('#sos-panel textarea').value.includes('one hurt')")
