"""API errors appear next to the field at fault, in the traveler's language."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("language", ["zh_Hant", "ar"])
def test_bad_phone_on_sign_up_is_explained_next_to_the_field(page, live_app, language):
    expected = live_app.test_client().get(f"/api/i18n/{language}.json").json["messages"]
    page.goto("/#/welcome")
    page.wait_for_selector("html[data-ready]")
    page.select_option(".language-picker select", language)
    # The picker redraws the screen once the catalog is in: wait, or it redraws the form.
    tag = language.replace("_", "-")
    page.wait_for_function(f"() => document.documentElement.lang === '{tag}'")
    page.goto("/#/signup")
    page.wait_for_selector('[data-path="phone"]')
    page.fill('[data-path="email"]', f"bad-phone-{language}@example.org")
    page.fill('[data-path="password"]', "correct horse battery")
    page.fill('[data-path="name"]', "Chen Mei")
    page.fill('[data-path="phone"]', "12")
    page.click("form button[type=submit]")

    phone = page.locator('[data-path="phone"]')
    page.wait_for_selector('[data-path="phone"][aria-invalid="true"]')
    error_id = phone.get_attribute("aria-describedby").split()[-1]
    message = page.locator(f"#{error_id}").inner_text()
    invalid = ("This is not a phone number we can call. Enter it with its country code, "
               "for example +33 6 12 34 56 78.")
    assert message == expected[invalid] != invalid
    assert page.locator(".form-status [role=alert]").inner_text().strip() == \
        expected["Some fields are not valid."]
    # Nothing typed is lost, and focus is on the field to fix.
    assert page.locator('[data-path="name"]').input_value() == "Chen Mei"
    assert phone.input_value() == "12"
    assert page.evaluate("document.activeElement.dataset.path") == "phone"
