"""No "null", "undefined" or NaN on any console page (issue 19 point 6): every page walked,
at 1440x900 in English and Arabic, by an officer of a mission with no data at all and by an
officer of the sample Embassy in France with an alert sent, a roll call answered and an SOS."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.console.conftest import Console, sos_case_id, traveler_with_device
from tests.browser.console.test_console_safety import WIDE, draft_alert
from tests.conftest import writing
from tests.pushreceiver import PushReceiver

PAGES = ["/alerts", "/alerts/new", "/sos", "/rollcalls", "/rollcalls/new", "/events",
         "/travelers"]
BAD = re.compile(r"\b(null|undefined|NaN)\b")


def full_data(app, email) -> list[str]:
    """A sent alert, a roll call answered safe, an SOS case: the pages that show them."""
    from sqlalchemy import select

    from server.accounts.models import User
    from server.alerts import services as alerts
    from server.db import db, utcnow
    from server.rollcall import services as rollcalls
    from server.rollcall.schemas import RollCallIn

    with PushReceiver() as receiver:
        client, trip = traveler_with_device(app, receiver, f"walk-{uuid.uuid4().hex[:6]}")
        alert_id = draft_alert(app, email, [{"kind": "country", "code": "FR"}])
        with writing(app):
            user = db.session.scalar(select(User).where(User.email == email))
            alerts.send(user, alert_id)
            rollcall = rollcalls.start(user, RollCallIn().load({
                "texts": [{"language": "en", "question": "Are you safe?"}],
                "areas": [{"kind": "country", "code": "FR"}],
                "deadline": (utcnow() + timedelta(hours=6)).isoformat()}))
            db.session.commit()
            rollcall_id = rollcall.id
            db.session.remove()
        raised = client.post("/api/sos", json={
            "client_uuid": str(uuid.uuid4()), "raised_at": datetime.now(UTC).isoformat(),
            "lat": 48.8606, "lon": 2.3376, "accuracy": 25, "trip_id": trip["id"],
            "message": "Help"})
        assert raised.status_code == 201, raised.json
        client.post(f"/api/rollcalls/{rollcall_id}/answer", json={
            "answer": "safe", "answered_at": datetime.now(UTC).isoformat(),
            "client_uuid": str(uuid.uuid4())})
    case_id = sos_case_id(app, client_uuid=raised.json["client_uuid"])
    return [f"/alerts/{alert_id}", f"/alerts/{alert_id}/delivery", f"/sos/{case_id}",
            f"/rollcalls/{rollcall_id}"]


def walk(console: Console, pages: list[str]) -> list[str]:
    page, found = console.page, []
    for path in pages:
        page.goto(f"/console/#{path}")
        page.wait_for_selector("main#view > section")
        page.wait_for_timeout(700)  # let the page's own requests land before reading it
        text = page.inner_text("body")
        found += [f"{path}: {text[max(0, m.start() - 60):m.end() + 20]!r}"
                  for m in BAD.finditer(text)]
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("data", ["empty", "full"])
def test_no_null_undefined_or_nan_on_any_page(page, make_staff, console_app, language, data):
    page.set_viewport_size(WIDE)
    console = Console(page)
    email = make_staff(embassy_key="fr-paris" if data == "full" else "ca-vancouver")
    console.sign_in(email)
    if language == "ar":
        page.evaluate("() => localStorage.setItem('compatriot.language', 'ar')")
        page.reload()
    pages = PAGES + (full_data(console_app, email) if data == "full" else [])
    assert walk(console, pages) == []
    assert console.errors == []
