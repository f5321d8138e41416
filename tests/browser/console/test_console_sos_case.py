"""An SOS case in full (issue 19 points 5 and 7), at 1440x900 in Arabic: the trip's notes, who
acknowledged it and when, every phone a tel: link; a Latin note typed by staff keeps its full
stop at its end and a circle's "lat, lon" reads left to right inside the Arabic page."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.browser.console.conftest import Console, sos_case_id, traveler_with_device
from tests.browser.console.test_console_safety import WIDE, draft_alert
from tests.pushreceiver import PushReceiver

NOTE = "Called back; meeting at the consulate at 10:00."

# Left edges of the first and last character of `needle` in the element's text, as rendered.
EDGES = """([selector, needle]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const edge = (i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect().left;
    };
    return [edge(at), edge(at + needle.length - 1)];
  }
  return null;
}"""


def arabic(page):
    Console(page).arabic()


def test_sos_case_in_arabic_shows_trip_notes_acknowledgement_and_isolated_latin_text(
        page, make_staff, console_app, artifacts):
    page.set_viewport_size(WIDE)
    console = Console(page)
    email = make_staff(name="Marc Laurent")
    console.sign_in(email)
    with PushReceiver() as receiver:
        client, trip = traveler_with_device(console_app, receiver, "phone-case")
    changed = client.patch(f"/api/trips/{trip['id']}", json={
        "version": trip["version"], "notes": "Hotel Lutetia, room 12. Diabetic.",
        "companions": [{"name": "Zhou Lan", "relationship": "wife", "phone": "+8613700137000"}]})
    assert changed.status_code == 200, changed.json
    raised = client.post("/api/sos", json={
        "client_uuid": str(uuid.uuid4()), "raised_at": datetime.now(UTC).isoformat(),
        "lat": 48.8606, "lon": 2.3376, "accuracy": 25, "trip_id": trip["id"], "message": "Help"})
    case_id = sos_case_id(console_app, client_uuid=raised.json["client_uuid"])
    arabic(page)
    page.goto(f"/console/#/sos/{case_id}")
    page.wait_for_selector("#acknowledge")
    page.click("#acknowledge")
    page.wait_for_selector("#case-acknowledged")
    assert "Marc Laurent" in page.text_content("#case-acknowledged")
    assert "Hotel Lutetia, room 12. Diabetic." in page.text_content("#trip-notes")
    assert page.get_attribute("#companions a.tel", "href") == "tel:+8613700137000"
    assert page.locator("#case-detail a[href^='tel:']").count() >= 3  # traveler, home, companion
    page.fill("#case-note", NOTE)
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#case-notes li .pre-line")
    first, stop = page.evaluate(EDGES, ["#case-notes", NOTE])
    assert first < stop  # "C" on the left, the full stop at the right end, as typed
    page.screenshot(path=str(artifacts / "console-sos-case-ar.png"))

    alert_id = draft_alert(console_app, email, [
        {"kind": "circle", "lat": 48.8566, "lon": 2.3522, "radius_km": 15}])
    page.goto(f"/console/#/alerts/{alert_id}")
    page.wait_for_selector("#area-list li[data-kind='circle']")
    lat, lon = page.evaluate(EDGES, ["#area-list", "48.857, 2.352"])
    assert lat < lon  # 48.857 reads first, on the left, in the right-to-left page
    page.screenshot(path=str(artifacts / "console-area-ar.png"))
    assert console.errors == []
