"""Approval hand-off live (issue 19 point 4), at 1440x900: the drafter requests approval, the
second officer (on the Alerts page) sees a banner without a reload, sends the draft back with a
comment, which the drafter's open page shows, then approves, which the drafter's page follows.
An unsent draft offers "Discard draft"."""
from __future__ import annotations

from tests.browser.console.conftest import Console
from tests.browser.console.test_console_safety import WIDE, draft_alert
from tests.conftest import writing

PARIS = {"kind": "circle", "lat": 48.8566, "lon": 2.3522, "radius_km": 10}


def test_request_send_back_and_approval_reach_both_officers_live(
        page, browser, base_url, make_staff, console_app, artifacts):
    from server.alerts.models import Alert
    from server.db import db

    page.set_viewport_size(WIDE)
    drafter_email, approver_email = make_staff(name="Chen Jing"), make_staff(name="Marie Dubois")
    drafter = Console(page)
    drafter.sign_in(drafter_email)
    alert_id = draft_alert(console_app, drafter_email, [PARIS], event="Civil unrest")
    with writing(console_app):
        alert = db.session.get(Alert, alert_id)
        alert.severity = "Severe"
        db.session.commit()
        db.session.remove()

    context = browser.new_context(base_url=base_url, viewport=WIDE)
    second = Console(context.new_page())
    second.sign_in(approver_email)  # ends on the Alerts page

    page.goto(f"/console/#/alerts/{alert_id}")
    page.wait_for_selector("#request-approval")
    assert page.text_content("#cancel") == "Discard draft"
    assert page.locator("#approve").count() == 0
    page.click("#request-approval")
    second.page.wait_for_selector("#live-banner:not([hidden]) #live-banner-link", timeout=2000)
    assert str(alert_id) in second.page.text_content("#live-banner-link")
    second.page.screenshot(path=str(artifacts / "console-handoff-banner.png"))

    second.page.click("#live-banner-link")
    second.page.wait_for_selector("#send-back")
    second.page.once("dialog", lambda dialog: dialog.accept("Name the streets to avoid."))
    second.page.click("#send-back")
    page.wait_for_function(
        "() => document.querySelector('#composer-form')?.textContent"
        ".includes('Name the streets to avoid.')", timeout=2000)

    second.page.click("#approve")
    page.wait_for_function(
        "() => document.querySelector('#alert-state')?.textContent === 'Approved'", timeout=2000)
    assert page.locator("#two-person").count() == 0  # no "must approve" once approved
    page.screenshot(path=str(artifacts / "console-handoff-drafter.png"))
    assert drafter.errors == [] and second.errors == []
    context.close()
