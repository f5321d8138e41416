"""Issue 17 (browser test) and issue 15 finding 5: sign up in the app, open the confirmation
link from the .eml the live app wrote, land signed in; sign out, ask for a reset link, open it
from the newest .eml, set a new password (field errors shown), sign in with it. At phone size,
in English and Arabic (right to left, the address isolated)."""
from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import RESET_LINK, SIGNUP_LINK, mailed_link
from tests.browser.test_screens import choose_language

PASSWORD = "correct horse battery"  # noqa: S105 (a test account's)
NEW_PASSWORD = "purple elephant mountain 42"  # noqa: S105


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def shoot(page, artifacts, name, language):
    page.screenshot(path=str(artifacts / f"{name}-{language}.png"))


def sign_in(page, email, password):
    page.fill('[data-path="email"]', email)
    page.fill('[data-path="password"]', password)
    page.click("form button[type=submit]")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_sign_up_by_the_mailed_link_then_reset_the_password(page, live_app, artifacts,
                                                            language):
    email = f"mailbox-{language}-{uuid.uuid4().hex[:8]}@example.org"  # a rerun signs up anew
    choose_language(page, language)
    page.goto("/#/signup")
    page.wait_for_selector('[data-path="email"]')
    page.fill('[data-path="email"]', email)
    page.fill('[data-path="password"]', PASSWORD)
    page.fill('[data-path="name"]', "Amal Haddad")
    page.fill('[data-path="phone"]', "+33612345678")
    page.click("form button[type=submit]")

    # Not signed in yet: the screen names the address (isolated left to right) and can resend.
    page.wait_for_selector("#check-inbox")
    assert page.inner_text('#check-inbox bdi[dir="ltr"]') == email
    assert page.evaluate("() => document.documentElement.dir") == \
        ("rtl" if language == "ar" else "ltr")
    assert page.evaluate("() => fetch('/api/me').then((r) => r.status)") == 401
    page.click("#resend-signup")
    page.wait_for_selector("#resend-status .notice")
    shoot(page, artifacts, "signup-check-inbox", language)

    page.goto("/#/login")  # too early: the app says what to do first
    page.wait_for_selector('[data-path="email"]')
    sign_in(page, email, PASSWORD)
    page.wait_for_selector(".notice-error")
    if language == "en":
        assert "first open the link we emailed" in page.inner_text(".notice-error")

    # The link from the mail makes the account and signs this browser in.
    page.goto(mailed_link(page, live_app, email, SIGNUP_LINK))
    page.wait_for_selector("html[data-ready]")
    page.wait_for_function("() => location.hash === '#/trips'")
    me = page.evaluate("() => fetch('/api/me').then((r) => r.json())")
    assert (me["email"], me["email_verified"]) == (email, True)

    page.goto("/#/settings")
    page.wait_for_selector("#email-settings")
    assert page.inner_text('#email-settings bdi[dir="ltr"]') == email
    assert page.is_hidden("#email-resend")  # confirmed: nothing to resend
    page.fill('#email-form [data-path="email"]', f"new-{email}")
    page.click("#email-form button[type=submit]")
    page.wait_for_selector("#email-pending")
    assert page.inner_text('#email-pending bdi[dir="ltr"]') == f"new-{email}"
    assert page.is_visible("#email-resend")
    page.locator("#email-settings").scroll_into_view_if_needed()
    shoot(page, artifacts, "settings-email", language)

    page.click("#sign-out")
    page.wait_for_function("() => location.hash === '#/welcome'")
    page.goto("/#/login")
    page.click("#forgot-link")
    page.wait_for_selector("#forgot-form")
    page.fill('#forgot-form [data-path="email"]', email)
    page.click("#forgot-form button[type=submit]")
    page.wait_for_selector("#forgot-status .notice")
    shoot(page, artifacts, "forgot-password", language)

    page.goto(mailed_link(page, live_app, email, RESET_LINK))
    page.wait_for_selector("#reset-form")
    page.fill('#reset-form [data-path="password"]', "password12")  # too easy to guess
    page.click("#reset-form button[type=submit]")
    page.wait_for_selector('#reset-form [data-path="password"][aria-invalid="true"]')
    assert page.inner_text("#reset-form .field-error:not([hidden])")
    shoot(page, artifacts, "reset-password", language)
    page.fill('#reset-form [data-path="password"]', NEW_PASSWORD)
    page.click("#reset-form button[type=submit]")
    page.wait_for_function("() => location.hash === '#/login?reset=1'")
    page.wait_for_selector("form .notice")

    sign_in(page, email, PASSWORD)  # the old password no longer works
    page.wait_for_selector(".notice-error")
    sign_in(page, email, NEW_PASSWORD)
    page.wait_for_function("() => location.hash === '#/trips'")
