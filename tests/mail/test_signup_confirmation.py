"""Sign-up never tells whether an address is taken (issue 15, finding 5): a free address gets
a link that creates the account once opened; a taken one creates nothing and its owner is
told by mail. Both answer alike, and nobody is signed in before the link is opened."""
from __future__ import annotations

import re
import time
from datetime import timedelta

from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from server import retention
from server.accounts import signup as signing_up
from server.accounts.models import PendingSignup, User
from server.db import db, utcnow
from tests.auth import TEST_PASSWORD, signup_link


def _body(email, **fields):
    return {"email": email, "password": TEST_PASSWORD, "name": "Li Wei",
            "phone": "+8613800138000", "language": "en", **fields}


def _only_mail(mail_outbox):
    (listed,) = mail_outbox.messages()
    return listed, mail_outbox.read(listed["file"]).get_body(("plain",)).get_content()


def _empty(mail_outbox):
    for listed in mail_outbox.files():
        listed.unlink()


def _cookies(response):
    """The cookies set, without their values (a signed CSRF token carries the second)."""
    return [re.sub(r"=[^;]*", "=", cookie, count=1)
            for cookie in response.headers.getlist("Set-Cookie")]


def _users(email):
    return db.session.scalar(select(func.count()).select_from(User).where(User.email == email))


def test_a_taken_and_a_free_address_are_answered_alike(app, client, auth, mail_outbox):
    other_client = auth.client()
    auth.signup(client, email="owner@example.org", language="ar")
    other_client.post("/api/auth/signup", json=_body("first@example.org"))  # session begun
    _empty(mail_outbox)
    taken = other_client.post("/api/auth/signup", json=_body("Owner@Example.org"))
    free = other_client.post("/api/auth/signup", json=_body("newcomer@example.org"))
    assert (taken.status_code, taken.json) == (free.status_code, free.json) == \
        (202, {"status": "confirmation_sent"})
    assert taken.data == free.data
    assert sorted(taken.headers.keys()) == sorted(free.headers.keys())
    assert _cookies(taken) == _cookies(free)
    assert other_client.get("/api/me").status_code == 401  # nobody signed in
    assert _users("owner@example.org") == 1 and _users("newcomer@example.org") == 0
    assert set(db.session.scalars(select(PendingSignup.email))) == \
        {"first@example.org", "newcomer@example.org"}
    mails = {m["to"].rsplit("<", 1)[-1].rstrip(">"): m for m in mail_outbox.messages()}
    assert set(mails) == {"owner@example.org", "newcomer@example.org"}
    owner_text = mail_outbox.read(mails["owner@example.org"]["file"]).get_body(
        ("plain",)).get_content()
    assert "/#/forgot" in owner_text and "/signup/confirm" not in owner_text
    assert mails["owner@example.org"]["subject"] == "محاولة تسجيل باستخدام عنوان بريدك الإلكتروني"


def test_a_pending_sign_up_cannot_sign_in(client, auth):
    other_client = auth.client()
    assert client.post("/api/auth/signup", json=_body("waiting@example.org")).status_code == 202
    refused = other_client.post("/api/auth/login", json={"email": "waiting@example.org",
                                                         "password": TEST_PASSWORD})
    unknown = other_client.post("/api/auth/login", json={"email": "nobody@example.org",
                                                         "password": TEST_PASSWORD})
    assert refused.status_code == 401 and refused.json == unknown.json


def test_the_mailed_link_creates_the_account_signs_in_once(app, client, auth, mail_outbox):
    other_client = auth.client()
    assert client.post("/api/auth/signup", json=_body("Fresh@Example.org")).status_code == 202
    listed, text = _only_mail(mail_outbox)
    assert listed["to"].endswith("<fresh@example.org>")
    assert listed["subject"] == "Confirm your email address"
    link = re.search(r"http\S+/api/auth/signup/confirm\?\S+", text).group(0)
    path = link.split("127.0.0.1:5000", 1)[1]
    opened = other_client.get(path)  # the mail may be read on another device
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/#/trips")
    me = other_client.get("/api/me").json
    assert (me["email"], me["email_verified"], me["name"]) == ("fresh@example.org", True, "Li Wei")
    assert db.session.scalar(select(func.count()).select_from(PendingSignup)) == 0
    assert other_client.post("/api/auth/logout").status_code == 204
    assert other_client.post("/api/auth/login", json={
        "email": "fresh@example.org", "password": TEST_PASSWORD}).status_code == 200
    again = client.get(path.replace("lang=en", "lang=zh_Hans"))
    assert again.status_code == 400 and "<h1>The link did not work</h1>" not in again.text
    assert client.get(path).status_code == 400 and "already used" in client.get(path).text
    assert client.get("/api/me").status_code == 401


def test_a_tampered_link_is_a_localized_page_and_creates_nothing(app, client):
    client.post("/api/auth/signup", json=_body("tamper@example.org"))
    path = signup_link(app, "tamper@example.org")
    page = client.get(path.replace("token=", "token=x").replace("lang=en", "lang=ar"))
    assert page.status_code == 400 and 'dir="rtl"' in page.text and 'lang="ar"' in page.text
    assert "<h1>The link did not work</h1>" not in page.text  # in Arabic
    assert _users("tamper@example.org") == 0 and client.get("/api/me").status_code == 401


def test_an_expired_or_replaced_link_says_so_and_creates_nothing(app, client, monkeypatch):
    client.post("/api/auth/signup", json=_body("late@example.org"))
    first = signup_link(app, "late@example.org")
    client.post("/api/auth/signup", json=_body("late@example.org", name="Li Na"))
    replaced = client.get(first)
    assert replaced.status_code == 400 and "expired" in replaced.text
    second = signup_link(app, "late@example.org")
    later = int(time.time()) + signing_up.VALID_HOURS * 3600 + 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    expired = client.get(second)
    assert expired.status_code == 400 and "expired" in expired.text
    assert _users("late@example.org") == 0


def test_a_later_sign_up_replaces_the_pending_one(app, client):
    client.post("/api/auth/signup", json=_body("twice@example.org"))
    client.post("/api/auth/signup", json=_body("twice@example.org", name="Second"))
    assert db.session.scalar(select(func.count()).select_from(PendingSignup)) == 1
    assert client.get(signup_link(app, "twice@example.org")).status_code == 302
    assert client.get("/api/me").json["name"] == "Second"


def test_resend_answers_alike_and_mails_only_the_right_person(app, client, auth, mail_outbox):
    other_client = auth.client()
    auth.signup(client, email="held@example.org")
    other_client.post("/api/auth/signup", json=_body("pending@example.org"))
    _empty(mail_outbox)
    answers = [other_client.post("/api/auth/signup/resend", json={"email": address})
               for address in ("held@example.org", "pending@example.org", "none@example.org")]
    assert {(a.status_code, str(a.json)) for a in answers} == \
        {(202, str({"status": "confirmation_sent"}))}
    sent = sorted(m["to"].rsplit("<", 1)[-1].rstrip(">") for m in mail_outbox.messages())
    assert sent == ["held@example.org", "pending@example.org"]


def test_expired_pending_sign_ups_are_purged_by_retention(app, client):
    client.post("/api/auth/signup", json=_body("old@example.org"))
    client.post("/api/auth/signup", json=_body("recent@example.org"))
    db.session.execute(db.update(PendingSignup).where(PendingSignup.email == "old@example.org")
                       .values(sent_at=utcnow() - timedelta(hours=49)))
    assert retention.apply()["pending_signups"] == 1
    assert list(db.session.scalars(select(PendingSignup.email))) == ["recent@example.org"]


def test_sign_up_mails_to_one_address_are_limited(app, auth, monkeypatch):
    other_client = auth.client()
    from server.config import Defaults

    monkeypatch.setitem(app.config, "RATELIMIT_SIGNUP_EMAIL", Defaults.RATELIMIT_SIGNUP_EMAIL)
    statuses = [other_client.post("/api/auth/signup", json=_body("target@example.org")).status_code
                for _ in range(6)]
    assert statuses == [202] * 5 + [429]


def test_a_staff_address_is_answered_alike_and_its_owner_pointed_to_the_console(
        app, auth, mail_outbox):
    other_client = auth.client()
    _, officer = auth.staff("officer", "fr-paris")
    _empty(mail_outbox)
    answer = other_client.post("/api/auth/signup", json=_body(officer.email))
    assert (answer.status_code, answer.json) == (202, {"status": "confirmation_sent"})
    assert db.session.scalar(select(func.count()).select_from(PendingSignup)) == 0
    listed, text = _only_mail(mail_outbox)
    assert listed["to"].endswith(f"<{officer.email}>") and "/console/" in text
    assert "/#/forgot" not in text  # staff passwords are reset by an admin
