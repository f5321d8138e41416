"""Safety before a send (issue 19 point 3), at 1440x900 in English and Arabic: a draft whose
area holds nobody says so, the confirmation states the recipients, a send to 0 recipients
asks a second time and saying no there sends nothing; the alerts list says "reached X of Y"."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.console.conftest import Console
from tests.conftest import writing

WIDE = {"width": 1440, "height": 900}
EMPTY_CIRCLE = {"kind": "circle", "lat": 45.0, "lon": 3.0, "radius_km": 2}  # rural Auvergne


def draft_alert(app, email, areas, event="Forest fire") -> int:
    """A Moderate draft made by ``email`` through the service, committed."""
    from sqlalchemy import select

    from server.accounts.models import User
    from server.alerts import services
    from server.alerts.schemas import AlertIn
    from server.db import db, utcnow

    now = utcnow()
    body = {"category": "Fire", "event": event, "urgency": "Immediate", "severity": "Moderate",
            "certainty": "Observed", "effective": now.isoformat(),
            "expires": (now + timedelta(hours=6)).isoformat(), "areas": areas,
            "texts": [{"language": "en", "headline": "Leave the area",
                       "description": "A fire is spreading."}]}
    with writing(app):
        user = db.session.scalar(select(User).where(User.email == email))
        alert_id = services.create_alert(user, AlertIn().load(body)).id
        db.session.commit()
        db.session.remove()
    return alert_id


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_send_to_nobody_is_said_in_the_draft_and_confirmed_twice(
        page, make_staff, console_app, artifacts, language):
    page.set_viewport_size(WIDE)
    console = Console(page)
    email = make_staff()
    console.sign_in(email)
    if language == "ar":
        page.evaluate("() => localStorage.setItem('compatriot.language', 'ar')")
    alert_id = draft_alert(console_app, email, [EMPTY_CIRCLE])
    page.goto(f"/console/#/alerts/{alert_id}")
    page.reload()
    page.wait_for_selector("#audience-empty")
    assert page.text_content("#audience-travelers") == "0"
    page.screenshot(path=str(artifacts / f"console-safety-empty-{language}.png"))

    asked: list[str] = []

    def answer(dialog):  # yes to the recipients, no to "nobody will receive it"
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    page.click("#send")
    for _ in range(50):  # the dialogs come after the audience is fetched
        if len(asked) == 2:
            break
        page.wait_for_timeout(100)
    assert len(asked) == 2, asked
    assert "0" in asked[0] and "0" in asked[1] and asked[0] != asked[1]
    if language == "en":
        assert "Recipients: 0 travelers, 0 devices." in asked[0]
        assert "Nobody will receive this alert" in asked[1]
    else:  # the Arabic form for zero, through the app's plural table
        assert "المستلمون: 0 مسافر، 0 جهاز." in asked[0]
    page.remove_listener("dialog", answer)
    assert page.text_content("#alert-state") != ""
    from server.alerts.models import Alert
    from server.db import db

    with console_app.app_context():
        assert db.session.get(Alert, alert_id).state == "draft"  # nothing was sent
        db.session.remove()

    page.on("dialog", lambda dialog: dialog.accept())  # yes, twice: sent to nobody
    page.click("#send")
    page.wait_for_selector("#delivery-chart")
    page.goto("/console/#/alerts")
    row = page.locator(f"#alert-table tr[data-id='{alert_id}'] td.reach")
    row.wait_for()
    if language == "en":
        assert row.text_content() == "reached 0 of 0"
    assert "null" not in page.inner_text("main") and "undefined" not in page.inner_text("main")
    page.screenshot(path=str(artifacts / f"console-safety-list-{language}.png"))
    assert console.errors == []
