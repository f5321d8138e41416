"""One-tap answers from the roll-call email: both links in both parts, opening a link records
nothing (mail scanners), its button records once through the app's answer service ("help"
opens one SOS case, the dashboard counts it), bad links get a localized page and store
nothing."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from server.db import db
from server.rollcall import links
from server.rollcall.models import RollCallAnswer
from server.sos.models import SosCase
from tests.rollcall.helpers import recipients, start

LINK = re.compile(r"https?://[^\s\"<>]+/api/rollcalls/\d+/email-answer\?[^\s\"<>]+")


def _answers(rollcall_id):
    return db.session.scalar(select(func.count()).select_from(RollCallAnswer).where(
        RollCallAnswer.rollcall_id == rollcall_id))


def _cases(user):
    return db.session.scalar(select(func.count()).select_from(SosCase).where(
        SosCase.user_id == user.id))


def _email_to(outbox, user):
    found = [outbox.read(m["file"]) for m in outbox.messages() if user.email in m["to"]]
    assert len(found) == 1, [m["to"] for m in outbox.messages()]
    return found[0]


def _links(message) -> dict[str, str]:
    """{"safe": url, "help": url}, checked to be the same in the plain and the HTML part."""
    plain = LINK.findall(message.get_body(("plain",)).get_content())
    html = [unescape(u) for u in LINK.findall(message.get_body(("html",)).get_content())]
    assert len(plain) == 2 and plain == html
    by_answer = {}
    for url in plain:
        query = parse_qs(urlsplit(url).query)
        _rc, _user, answer = links.read(int(url.split("/rollcalls/")[1].split("/")[0]),
                                        query["token"][0])
        by_answer[answer] = url
    assert set(by_answer) == {"safe", "help"}
    return by_answer


def _path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _tap(client, url):
    """Open the link (a page with one button), then press the button (a form POST)."""
    page = client.get(_path(url))
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    token = parse_qs(urlsplit(url).query)["token"][0]
    lang = parse_qs(urlsplit(url).query)["lang"][0]
    return client.post(f"{urlsplit(url).path}?lang={lang}", data={"token": token})


@pytest.fixture
def asked(auth, traveler, mail_outbox):
    """A roll call sent by email to a traveler with no push device: (staff, rollcall, user,
    their email's links)."""

    def _make(language="en"):
        staff, _ = auth.staff("officer", "fr-paris")
        user, _ = traveler("FR", devices=0, language=language)
        rollcall = start(staff, texts=[
            {"language": "en", "question": "Earthquake in the area. Are you safe?"},
            {"language": "ar", "question": "زلزال في المنطقة. هل أنت بخير؟"}])
        return staff, rollcall, user, _links(_email_to(mail_outbox, user))

    return _make


def test_the_roll_call_email_has_both_links_in_both_parts_and_no_unsubscribe(asked, mail_outbox):
    _staff, rollcall, user, found = asked()
    message = _email_to(mail_outbox, user)
    assert message["List-Unsubscribe"] is None
    html = message.get_body(("html",)).get_content()
    assert ">I am safe<" in html and ">I need help<" in html
    for url in found.values():
        assert f"/api/rollcalls/{rollcall['id']}/email-answer?" in url


def test_opening_a_link_records_nothing_its_button_records_once(app, asked):
    staff, rollcall, user, found = asked()
    client = app.test_client()  # no session, no CSRF header: the token is the credential
    page = client.get(_path(found["safe"]))
    assert page.status_code == 200 and b'<form method="post"' in page.data
    assert _answers(rollcall["id"]) == 0  # a mail scanner opening links answers nothing

    first = _tap(client, found["safe"])
    assert first.status_code == 200 and b"Your answer was recorded" in first.data
    second = _tap(client, found["safe"])
    assert second.status_code == 200 and b"Your answer was already recorded" in second.data
    assert _answers(rollcall["id"]) == 1
    assert recipients(rollcall["id"])[user.id].answer == "safe"
    dashboard = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json
    assert (dashboard["totals"]["safe"], dashboard["totals"]["no_answer"]) == (1, 0)


def test_need_help_opens_one_sos_case_as_the_app_does(app, asked):
    staff, rollcall, user, found = asked()
    client = app.test_client()
    assert _tap(client, found["help"]).status_code == 200
    assert _tap(client, found["help"]).status_code == 200
    assert _cases(user) == 1 and _answers(rollcall["id"]) == 1
    row = recipients(rollcall["id"])[user.id]
    assert row.answer == "help" and row.sos_case_id is not None
    dashboard = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json
    assert dashboard["totals"]["help"] == 1


def test_the_pages_are_in_the_recipients_language_right_to_left_for_arabic(app, asked):
    _staff, _rollcall, _user, found = asked("ar")
    assert "lang=ar" in found["safe"]
    client = app.test_client()
    page = client.get(_path(found["safe"])).get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    done = _tap(client, found["safe"]).get_data(as_text=True)
    assert 'dir="rtl"' in done and "Your answer was recorded" not in done


def _tampered(token: str) -> str:
    return token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")


def test_bad_links_get_a_page_and_store_nothing(app, asked, monkeypatch):
    staff, rollcall, user, found = asked()
    _staff2, other_rollcall, other_user, other_links = asked()
    client = app.test_client()
    token = parse_qs(urlsplit(found["help"]).query)["token"][0]
    other_token = parse_qs(urlsplit(other_links["help"]).query)["token"][0]
    url = f"/api/rollcalls/{rollcall['id']}/email-answer?lang=en"
    cases = (_tampered(token), "", other_token,  # tampered, missing, another roll call's
             links._serializer().dumps({"r": rollcall["id"], "u": other_user.id, "a": "help"}),
             links._serializer().dumps({"r": rollcall["id"], "u": user.id, "a": "maybe"}))
    for bad in cases:
        for response in (client.get(f"{url}&token={bad}"), client.post(url, data={"token": bad})):
            assert response.status_code == 400, bad
            assert b"This link is not valid" in response.data
    # Expired: the bound has passed since the email was written.
    real_loads = links.URLSafeTimedSerializer.loads
    monkeypatch.setattr(links.URLSafeTimedSerializer, "loads",
                        lambda self, s, max_age=None, **kw: real_loads(self, s, max_age=-1, **kw))
    expired = client.post(url, data={"token": token})
    assert expired.status_code == 400 and b"This link has expired" in expired.data
    monkeypatch.undo()
    # Closed by staff: refused, nothing stored.
    assert staff.post(f"/api/staff/rollcalls/{rollcall['id']}/close").status_code == 200
    closed = client.post(url, data={"token": token})
    assert closed.status_code == 409 and b"This roll call is closed" in closed.data
    assert _answers(rollcall["id"]) == 0 and _answers(other_rollcall["id"]) == 0
    assert _cases(user) == 0 and _cases(other_user) == 0
