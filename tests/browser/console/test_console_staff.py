"""Staff accounts in the console: an admin creates an officer (who then signs in and enrols),
disables and re-enables them; officers do not see the page and the server refuses them."""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pyotp

from tests.browser.console.conftest import STAFF_PASSWORD, Console
from tests.browser.pushing import box

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_admin_creates_an_officer_who_signs_in_and_can_be_disabled(
        console, make_staff, console_app, browser, base_url, artifacts):
    console.sign_in(make_staff(role="admin", embassy_key=None, name="Admin Wu"))
    page = console.page
    page.click("#nav-staff")
    page.wait_for_selector("#staff-table tbody tr")
    email = f"new-officer-{uuid.uuid4().hex[:6]}@example.org"

    # Field errors first: a short password and no mission for an officer.
    page.fill('#staff-form [data-path="name"]', "Sophie Martin")
    page.fill('#staff-form [data-path="email"]', email)
    page.fill('#staff-form [data-path="password"]', "too short")
    page.click("#staff-form button[type=submit]")
    page.wait_for_selector('#staff-form [data-path="password"][aria-invalid="true"]')
    assert page.get_attribute('#staff-form [data-path="embassy_id"]', "aria-invalid") == "true"

    page.fill('#staff-form [data-path="password"]', STAFF_PASSWORD)
    page.select_option('#staff-form [data-path="embassy_id"]', label="Embassy in France (sample)")
    page.click("#staff-form button[type=submit]")
    row = f"#staff-table tr[data-email='{email}']"
    page.wait_for_selector(row)
    assert page.text_content(f"{row} [data-role]") == "Duty officer"
    assert page.text_content(f"{row} [data-enrolled]") == "At first sign-in"
    assert "Embassy in France" in page.text_content(row)
    page.screenshot(path=str(artifacts / "console-staff.png"))

    # The new officer signs in (enrolling from the QR code's secret) and sees no staff page.
    other = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    officer = Console(other.new_page())
    officer.sign_in(email)
    assert officer.page.is_hidden("#nav-staff") and officer.page.is_hidden("#nav-audit")
    officer.page.goto("/console/#/staff")
    officer.page.wait_for_selector("section .notice-error")
    assert officer.page.locator("#staff-table").count() == 0
    refused = officer.page.evaluate(
        "() => fetch('/api/staff/users', {credentials: 'same-origin'}).then((r) => r.status)")
    assert refused == 403

    # Disabled: signed out at once (the next request is refused), and shown as disabled.
    page.reload()
    page.wait_for_selector(f"{row} [data-enrolled='true']")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"{row} [data-action='disable']")
    page.wait_for_selector(f"{row} [data-state='disabled']")
    gone = officer.page.evaluate(
        "() => fetch('/api/staff/me', {credentials: 'same-origin'}).then((r) => r.status)")
    assert gone == 401
    page.click(f"{row} [data-action='enable']")
    page.wait_for_selector(f"{row} [data-state='active']")
    assert officer.errors == []
    other.close()

    from sqlalchemy import select

    from server.accounts.models import User
    from server.audit.models import AuditEvent
    from server.db import db

    with console_app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        actions = set(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.target_id == str(user.id))))
        assert {"staff.create", "staff.update"} <= actions
        assert user.role == "officer" and not user.disabled
        db.session.remove()
    assert console.errors == []
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / "console-staff.png", DOCS / "console-staff.png")


def test_staff_page_in_arabic_is_right_to_left(console, make_staff, artifacts):
    console.sign_in(make_staff(role="admin", embassy_key=None, name="Admin Wu"))
    page = console.page
    page.select_option("#language", "ar")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    page.goto("/console/#/staff")
    page.wait_for_selector("#staff-table tbody tr")
    assert page.text_content("#nav-staff") != "Staff accounts"  # translated
    table, form = box(page, "#staff-table"), box(page, "#staff-form")
    assert form["x"] < table["x"]  # the grid mirrors: the form is on the left in Arabic
    page.screenshot(path=str(artifacts / "console-staff-ar.png"))
    assert console.errors == []


def test_reset_authenticator_makes_them_enrol_again(console, make_staff, console_app,
                                                    browser, base_url):
    email = make_staff(name="Paul Girard")
    first = browser.new_context(base_url=base_url)
    before = Console(first.new_page()).sign_in(email)
    first.close()
    console.sign_in(make_staff(role="admin", embassy_key=None))
    page = console.page
    page.goto("/console/#/staff")
    row = f"#staff-table tr[data-email='{email}']"
    page.wait_for_selector(f"{row} [data-action='reset-totp']")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"{row} [data-action='reset-totp']")
    page.wait_for_selector(f"{row} [data-enrolled='false']")
    again = browser.new_context(base_url=base_url)
    after = Console(again.new_page()).sign_in(email)  # asks for a new QR code
    assert after != before and pyotp.TOTP(after).now()
    again.close()
    assert console.errors == []


def test_admin_sets_a_new_password_the_officer_is_signed_out_and_keeps_the_authenticator(
        console, make_staff, browser, base_url):
    import time

    email = make_staff(name="Claire Petit")
    other = browser.new_context(base_url=base_url)
    officer = Console(other.new_page())
    secret = officer.sign_in(email)
    console.sign_in(make_staff(role="admin", embassy_key=None))
    page = console.page
    page.goto("/console/#/staff")
    row = f"#staff-table tr[data-email='{email}']"
    page.click(f"{row} [data-action='set-password']")
    page.fill('#staff-password-form [data-path="password"]', "short")
    page.click("#staff-password-form button[type=submit]")
    page.wait_for_selector('#staff-password-form [data-path="password"][aria-invalid="true"]')
    new_password = "a brand new staff passphrase"
    page.fill('#staff-password-form [data-path="password"]', new_password)
    page.click("#staff-password-form button[type=submit]")
    page.wait_for_selector("#staff-status .notice-success")
    assert page.is_hidden("#staff-password")
    gone = officer.page.evaluate(
        "() => fetch('/api/staff/me', {credentials: 'same-origin'}).then((r) => r.status)")
    assert gone == 401

    other.close()

    # The new password, then a code of the same authenticator (no new QR code).
    again = browser.new_context(base_url=base_url)
    officer = Console(again.new_page())
    officer.open("/console/#/login")
    officer.page.fill('#login-form [data-path="email"]', email)
    officer.page.fill('#login-form [data-path="password"]', new_password)
    officer.page.click("#login-form button[type=submit]")
    officer.page.wait_for_selector('#login-form [data-path="totp"]:visible')
    assert officer.page.is_hidden("#enrol-qr")
    # The enrolment used this time step's code; a code works once, so take the next one.
    officer.page.fill('#login-form [data-path="totp"]', pyotp.TOTP(secret).at(time.time() + 30))
    officer.page.click("#login-form button[type=submit]")
    officer.page.wait_for_selector("#nav:not([hidden])")
    assert officer.errors == [] and console.errors == []
    again.close()
