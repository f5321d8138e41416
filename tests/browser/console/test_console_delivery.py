"""The delivery view of a sent alert at 1440x900, in English and Arabic: per channel figures, why
deliveries failed, the people no channel reached with a phone to call, and a chart drawn from
the stored delivery times (the same when the view is opened again) with distinct axis labels."""
from __future__ import annotations

import json
import time

import pytest

from tests.browser.console.conftest import Console, traveler_with_device
from tests.pushreceiver import PushReceiver

WIDE = {"width": 1440, "height": 900}
PHONE = "+8613800138000"  # every traveler_with_device signs up with it (unverified)


def _sent_alert(app, staff_email, country) -> int:
    from tests.alerts.helpers import alert_body, create_and_send
    from tests.auth import enrol

    api = app.test_client()
    api.get("/api/config")
    enrol(api, staff_email)
    body = alert_body({"kind": "country", "code": country}, severity="Moderate", event="Flooding")
    return create_and_send(api, body)["id"]


def _chart(page) -> tuple[int, list[str]]:
    canvas = page.locator("#delivery-chart")
    return int(canvas.get_attribute("data-points")), json.loads(canvas.get_attribute("data-ticks"))


# A country of its own per run: no earlier test's device (its receiver gone) is in the audience.
@pytest.mark.parametrize("language, person, country",
                         [("en", "Zhang Min", "JP"), ("ar", "Karim Haddad", "EG")])
def test_delivery_view_keeps_its_chart_and_lists_who_no_channel_reached(
        page, make_staff, console_app, artifacts, language, person, country):
    from server.devices.keys import public_key

    page.set_viewport_size(WIDE)
    with console_app.app_context():
        key = public_key()
    with PushReceiver(expected_vapid_public_key=key) as receiver:
        traveler_with_device(console_app, receiver, f"ok-{language}", country=country,
                             city="City", person="Li Wei")
        traveler_with_device(console_app, receiver, f"refusing-{language}", country=country,
                             city="City", person=person)
        receiver.script(f"refusing-{language}", [(400,)])
        officer = make_staff(role="admin", embassy_key=None)
        alert_id = _sent_alert(console_app, make_staff(role="admin", embassy_key=None), country)
        deadline = time.monotonic() + 20
        while not receiver.received(f"ok-{language}") and time.monotonic() < deadline:
            time.sleep(0.1)

        console = Console(page)
        console.sign_in(officer)
        if language == "ar":
            Console(page).arabic()
        page.goto(f"/console/#/alerts/{alert_id}/delivery")
        page.wait_for_selector("#progress-percent[data-done='true']", timeout=20000)

        push = page.locator("#channel-table tr[data-channel='webpush']")
        push.wait_for()
        assert int(push.locator("[data-figure='sent']").text_content()) >= 1
        assert int(push.locator("[data-figure='failed']").text_content()) >= 1
        failure = page.locator("#delivery-failures li[data-channel='webpush']")
        assert int(failure.locator("[data-count='failure']").text_content()) >= 1

        row = page.locator("#unreached-rows tr", has_text=person)
        row.wait_for()
        call = row.locator(f"a[href='tel:{PHONE}']")
        assert call.locator("bdi").text_content() == PHONE
        assert row.locator("td").nth(2).text_content().strip() != ""
        assert page.locator("#unreached-rows tr", has_text="Li Wei").count() == 0
        assert page.get_attribute("#unreached-csv", "href").endswith(
            f"/api/staff/alerts/{alert_id}/unreached.csv")
        csv = page.request.get(f"/api/staff/alerts/{alert_id}/unreached.csv")
        assert csv.ok and person in csv.text() and PHONE in csv.text()

        points, ticks = _chart(page)
        assert points >= 2 and len(ticks) == len(set(ticks)) >= 2, ticks
        page.screenshot(path=str(artifacts / f"console-delivery-{language}.png"), full_page=True)

        # Opened again later (the tab's storage gone too): the chart is drawn from the server.
        page.goto("/console/#/alerts")
        page.wait_for_selector("section.alerts")
        page.evaluate("() => sessionStorage.clear()")
        page.goto(f"/console/#/alerts/{alert_id}/delivery")
        page.wait_for_selector("#progress-percent[data-done='true']", timeout=20000)
        page.wait_for_function("() => Number(document.querySelector('#delivery-chart')"
                               "?.dataset.points) >= 2")
        assert _chart(page) == (points, ticks)
        if language == "en":  # the time axis for other spans: steps from the duration
            labels = page.evaluate("""async () => {
                const { timeTicks, elapsedLabel } = await import('/console/js/chart.js');
                return [2000, 90000, 2400000, 18000000].map((span) => {
                  const { step, ticks } = timeTicks(span);
                  return ticks.map((t) => elapsedLabel(t, step));
                });
            }""")
            assert labels == [["0 s", "1 s", "2 s"], [f"{n} s" for n in range(0, 91, 15)],
                              ["0 min", "10 min", "20 min", "30 min", "40 min"],
                              ["0 h", "1 h", "2 h", "3 h", "4 h", "5 h"]], labels
        text = page.inner_text("section.delivery")
        assert "null" not in text and "undefined" not in text and "NaN" not in text
    assert console.errors == []


def test_the_composer_says_what_the_sms_will_cost_per_language(
        page, make_staff, console_app, artifacts):
    from sqlalchemy import update

    from server.accounts.models import User
    from server.db import db, utcnow
    from tests.alerts.helpers import alert_body
    from tests.auth import enrol

    page.set_viewport_size(WIDE)
    with PushReceiver() as receiver:
        client, _ = traveler_with_device(console_app, receiver, "sms-cost", country="KE",
                                         city="Nairobi", person="Wang Lei")
    email = client.get("/api/me").json["email"]
    with console_app.app_context():
        db.session.execute(update(User).where(User.email == email).values(
            language="zh_Hans", phone_verified_at=utcnow()))
        db.session.commit()
        db.session.remove()
    drafter, officer = (make_staff(role="admin", embassy_key=None) for _ in range(2))
    api = console_app.test_client()
    api.get("/api/config")
    enrol(api, drafter)
    long_chinese = "请立即前往安全地点，远离河岸与低洼地区，并留意当地政府的最新指示。" * 4
    texts = [{"language": "en", "headline": "Flood", "description": "Move to higher ground."},
             {"language": "zh_Hans", "headline": "洪水", "description": long_chinese}]
    created = api.post("/api/staff/alerts", json=alert_body(
        {"kind": "country", "code": "KE"}, severity="Severe", texts=texts))
    assert created.status_code == 201, created.json
    expected = api.get(f"/api/staff/alerts/{created.json['id']}/audience").json["cost"]["sms"]

    Console(page).sign_in(officer)
    page.goto(f"/console/#/alerts/{created.json['id']}")
    row = page.locator("#audience-sms tr[data-language='zh_Hans']")
    row.wait_for()
    segments = expected["languages"]["zh_Hans"]["segments"]
    assert segments >= 2
    assert row.locator("[data-figure='messages']").text_content() == "1"
    assert row.locator("[data-figure='segments']").text_content() == str(segments)
    assert page.text_content("#audience-sms-segments") == str(expected["total_segments"])
    page.screenshot(path=str(artifacts / "console-sms-cost.png"), full_page=True)
