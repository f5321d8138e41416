"""The traveler's core path, and what still works with no network."""
from __future__ import annotations


def test_trip_and_mission_contacts_stay_readable_offline_and_edits_save_back_online(
        page, context, traveler):
    traveler.sign_up()
    traveler.add_trip(country="FR", city="Paris")
    mission = page.locator(".mission")
    assert "Embassy in France (sample)" in mission.inner_text()
    assert page.locator('.mission a[href="tel:+33199001235"]').count() == 1
    assert page.locator('.hotline a[href^="tel:"]').count() == 1
    trip_url = page.url
    traveler.wait_for_service_worker()
    page.goto("/#/trips")  # visited once online, so the list is saved for offline use
    page.wait_for_selector("#trip-list")

    context.set_offline(True)
    page.goto(trip_url)
    page.reload()
    page.wait_for_selector(".mission")
    assert "Embassy in France (sample)" in page.locator(".mission").inner_text()
    assert page.locator("#offline").is_visible()
    assert page.locator("#sos-button").is_visible()
    page.goto("/#/trips")
    page.wait_for_selector("#trip-list")
    assert "France" in page.locator("#trip-list").inner_text()

    # An edit made offline is kept and saved once the network is back.
    page.click("#trip-list a")
    page.click("a[href$='/edit']")
    page.wait_for_selector('[data-path="legs.0.city"]')
    page.fill('[data-path="legs.0.city"]', "Lyon")
    page.click("form button[type=submit]")
    page.wait_for_selector(".form-status .notice-error")
    assert page.locator('[data-path="legs.0.city"]').input_value() == "Lyon"

    context.set_offline(False)
    page.wait_for_function("() => /^#\\/trips\\/\\d+$/.test(location.hash)")
    page.wait_for_selector(".leg h2")
    assert "Lyon" in page.locator(".leg h2").inner_text()
    assert not page.locator("#offline").is_visible()
