"""The trip form asks for the emergency contact's email, the language of their messages and
the traveler's consent that they are told; a bad address is shown at its field."""
from __future__ import annotations

from datetime import date, timedelta


def test_the_contacts_email_language_and_consent_are_saved(page, traveler):
    traveler.sign_up()
    start = date.today() + timedelta(days=1)
    page.goto("/#/trips/new")
    page.wait_for_selector('[data-path="legs.0.country"]')
    page.select_option('[data-path="legs.0.country"]', "FR")
    page.fill('[data-path="legs.0.start_date"]', start.isoformat())
    page.fill('[data-path="legs.0.end_date"]', (start + timedelta(days=5)).isoformat())
    page.fill('[data-path="emergency_contact.name"]', "Wang Fang")
    page.fill('[data-path="emergency_contact.phone"]', "+8613900139000")
    assert page.input_value('[data-path="emergency_contact.language"]') == "en"  # mine
    page.fill('[data-path="emergency_contact.email"]', "not an address")
    page.check('[data-path="emergency_contact.consent"]')
    page.click("form button[type=submit]")
    page.wait_for_selector('[data-path="emergency_contact.email"][aria-invalid="true"]')

    page.fill('[data-path="emergency_contact.email"]', "wang.fang@example.net")
    page.select_option('[data-path="emergency_contact.language"]', "zh_Hans")
    page.click("form button[type=submit]")
    page.wait_for_function("() => /^#\\/trips\\/\\d+$/.test(location.hash)")
    saved = page.evaluate("() => fetch('/api/trips/' + location.hash.split('/')[2])"
                          ".then((r) => r.json()).then((t) => t.emergency_contact)")
    assert {k: saved[k] for k in ("email", "language", "consent")} == {
        "email": "wang.fang@example.net", "language": "zh_Hans", "consent": True}
    page.wait_for_selector("#contact-consent")
    assert "wang.fang@example.net" in page.text_content("main")
