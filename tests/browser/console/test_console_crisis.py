"""The roll-call page in the console: an officer opens the public crisis sign-up page, people
sign up on it, and the page lists them marked "registered during the crisis" and "phone not
verified"; the SOS case of one who needs help is marked "unverified"."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

START_ROLLCALL = """async (body) => {
  const token = document.cookie.split('; ').find((c) => c.startsWith('csrf_token=')).slice(11);
  const response = await fetch('/api/staff/rollcalls', {method: 'POST', body: JSON.stringify(body),
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': decodeURIComponent(token)}});
  return (await response.json()).id;
}"""


def _sign_up(app, slug, name, answer):
    client = app.test_client()
    client.get("/api/config")
    response = client.post(f"/api/crisis/{slug}/registrations", json={
        "client_uuid": str(uuid.uuid4()), "name": name, "phone": "+33 6 12 34 56 78",
        "place": "Montmartre, Paris", "answer": answer})
    assert response.status_code == 201, response.json


def test_officer_opens_the_crisis_page_and_sees_who_signed_up(
        console, make_staff, console_app, artifacts):
    console.sign_in(make_staff())
    page = console.page
    rollcall_id = page.evaluate(START_ROLLCALL, {
        "texts": [{"language": "en", "question": "Storm in Paris. Are you safe?"}],
        "areas": [{"kind": "country", "code": "FR"}],
        "deadline": (datetime.now(UTC) + timedelta(hours=3)).isoformat()})
    page.goto(f"/console/#/rollcalls/{rollcall_id}")
    page.wait_for_selector("#crisis-open")
    page.click("#crisis-open")
    page.wait_for_selector("#crisis-url")
    url = page.text_content("#crisis-url")
    assert "/#/crisis/" in url
    slug = url.rsplit("/", 1)[1]

    _sign_up(console_app, slug, "Claire Martin", "safe")
    _sign_up(console_app, slug, "Omar Haddad", "help")
    page.wait_for_function(
        "() => document.querySelectorAll('#crisis-table tbody tr').length === 2", timeout=15000)
    rows = page.locator("#crisis-table tbody tr")
    text = rows.first.text_content() + rows.last.text_content()
    assert "Claire Martin" in text and "Omar Haddad" in text
    assert text.count("registered during the crisis") == 2
    assert text.count("phone not verified") == 2
    assert page.text_content("#crisis-totals") == (
        "Signed up during the crisis: 2 · safe: 1 · need help: 1 · phone verified: 0")
    page.screenshot(path=str(artifacts / "console-crisis.png"), full_page=True)

    # The one who needs help has an SOS case, marked unverified in the queue and on the case.
    page.click("#crisis-table tr[data-answer='help'] a")
    page.wait_for_selector("#case-detail .badge-unverified")
    page.wait_for_selector("#case-list li .badge-unverified")

    page.goto(f"/console/#/rollcalls/{rollcall_id}")
    page.wait_for_selector("#crisis-close")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#crisis-close")
    page.wait_for_selector("#crisis-open")
    assert console.errors == []
