"""Every console page renders (screenshots under test-artifacts/), in Arabic right to left too."""
from __future__ import annotations


def test_admin_sees_travelers_and_the_audit_log(console, make_staff, artifacts):
    console.sign_in(make_staff(role="admin", embassy_key=None, name="Admin Wu"))
    page = console.page
    page.screenshot(path=str(artifacts / "console-alerts.png"))
    page.goto("/console/#/travelers")
    page.wait_for_selector("section.travelers")
    page.fill("#traveler-q", "phone")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#traveler-results > *")
    page.screenshot(path=str(artifacts / "console-travelers.png"))
    page.goto("/console/#/audit")
    page.wait_for_selector("#audit-table tbody tr")
    assert "staff.sign_in" in page.text_content("#audit-table") or \
        "staff.totp_enrol" in page.text_content("#audit-table")
    page.screenshot(path=str(artifacts / "console-audit.png"))
    page.goto("/console/#/rollcalls")
    page.wait_for_selector("section.rollcalls")
    page.screenshot(path=str(artifacts / "console-rollcalls.png"))
    page.goto("/console/#/rollcalls/new")
    page.wait_for_selector("#composer-map[data-ready]")
    page.screenshot(path=str(artifacts / "console-rollcall-new.png"))
    page.goto("/console/#/staff")
    page.wait_for_selector("#staff-table tbody tr")
    page.screenshot(path=str(artifacts / "console-staff-list.png"))
    assert console.errors == []


def test_sign_in_and_enrolment_screens(console, make_staff, artifacts):
    page = console.page
    console.open("/console/")
    page.wait_for_selector("#login-form")
    page.screenshot(path=str(artifacts / "console-login.png"))
    page.fill('#login-form [data-path="email"]', make_staff())
    page.fill('#login-form [data-path="password"]', "a long staff password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#enrol-qr")
    assert page.evaluate("() => document.querySelector('#enrol-qr').naturalWidth > 0")
    assert page.text_content("#enrol-uri").startswith("otpauth://totp/")
    page.screenshot(path=str(artifacts / "console-enrol.png"))
    assert console.errors == []


def test_composer_in_arabic_is_right_to_left(console, make_staff, artifacts):
    console.sign_in(make_staff())
    page = console.page
    page.select_option("#language", "ar")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    page.goto("/console/#/alerts/new")
    page.wait_for_selector("#composer-map[data-ready]")
    assert page.evaluate("() => document.documentElement.lang") == "ar"
    page.screenshot(path=str(artifacts / "console-composer-ar.png"))
    page.goto("/console/#/sos")
    page.wait_for_selector("#sos-map[data-ready]")
    page.screenshot(path=str(artifacts / "console-sos-ar.png"))
    assert console.errors == []
