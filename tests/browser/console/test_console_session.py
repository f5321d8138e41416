"""The console's polling does not keep a staff session alive (it sends X-Compatriot-Background),
the officer is warned before the idle limit, and an ended session says so at sign-in."""
from __future__ import annotations

import time

from server.staff import sessions


def test_polls_are_background_requests_and_an_expired_session_says_so(
        console, make_staff, monkeypatch):
    console.sign_in(make_staff())
    page = console.page
    with page.expect_request(lambda r: "/api/staff/sos?" in r.url) as polled:
        page.goto("/console/#/sos")
    assert polled.value.headers.get("x-compatriot-background") == "1"
    with page.expect_request(lambda r: "/api/staff/sos?" in r.url, timeout=8000) as again:
        pass
    assert again.value.headers.get("x-compatriot-background") == "1"
    # The officer's own requests are activity, and are not marked.
    with page.expect_request(lambda r: "/api/staff/alerts?" in r.url) as opened:
        page.click("#nav-alerts")
    assert "x-compatriot-background" not in opened.value.headers

    page.goto("/console/#/sos")
    page.wait_for_selector("#sos-map[data-ready]")
    # 31 minutes pass on the server: the next poll is refused and the console signs out.
    later = time.time() + 31 * 60
    monkeypatch.setattr(sessions, "clock", lambda: later)
    page.wait_for_selector("#session-expired", timeout=15000)
    assert page.text_content("#session-expired") == (
        "Your session has expired. Please sign in again.")
    assert page.evaluate("() => location.hash") == "#/login"
    assert page.is_hidden("#nav")
    assert console.errors == []


def test_a_warning_comes_before_the_idle_limit_and_activity_ends_it(
        console, make_staff, console_app):
    page = console.page
    page.clock.install()
    console.sign_in(make_staff())
    page.goto("/console/#/sos")
    page.wait_for_selector("#sos-map[data-ready]")
    assert page.is_hidden("#session-warning")
    idle = console_app.config["STAFF_SESSION_IDLE_MINUTES"]
    page.clock.fast_forward(f"{idle - 1}:30")  # polling all along, but no activity
    page.wait_for_selector("#session-warning:not([hidden])")
    assert "without activity" in page.text_content("#session-warning-text")
    page.click("#stay-signed-in")
    page.wait_for_selector("#session-warning", state="hidden")
    assert console.errors == []
