"""A changed address is proven by a link mailed to it (the sign-up's own link:
test_signup_confirmation.py); it works once, and a tampered link shows a localized page."""
from __future__ import annotations

import re

from server.accounts.models import User
from server.db import db


def _link(mail_outbox):
    (listed,) = mail_outbox.messages()
    body = mail_outbox.read(listed["file"]).get_body(("plain",)).get_content()
    return listed, re.search(r"http\S+/api/auth/email/confirm\?\S+", body).group(0)


def _empty(mail_outbox):
    for listed in mail_outbox.files():
        listed.unlink()


def test_a_signed_up_account_starts_verified(client, auth):
    assert auth.signup(client)["email_verified"] is True


def test_a_new_address_replaces_the_old_only_once_its_link_is_opened(app, client, auth,
                                                                     mail_outbox):
    me = auth.signup(client)
    _empty(mail_outbox)
    answer = client.post("/api/me/email", json={"email": "New@Example.org"})
    assert answer.status_code == 202 and answer.json["pending_email"] == "new@example.org"
    assert client.get("/api/me").json["email"] == me["email"]
    listed, link = _link(mail_outbox)
    assert listed["to"].endswith("<new@example.org>")
    assert listed["subject"] == "Confirm your email address"
    path = link.split("127.0.0.1:5000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Email address confirmed" in page.text
    profile = client.get("/api/me").json
    assert (profile["email"], profile["pending_email"], profile["email_verified"]) == \
        ("new@example.org", None, True)
    again = client.get(path)
    assert again.status_code == 400 and "already used" in again.text


def test_a_tampered_link_is_a_localized_page_and_changes_nothing(app, client, auth, mail_outbox):
    me = auth.signup(client)
    _empty(mail_outbox)
    client.post("/api/me/email", json={"email": "elsewhere@example.org"})
    _, link = _link(mail_outbox)
    path = link.split("127.0.0.1:5000", 1)[1].replace("token=", "token=x")
    page = client.get(path.replace("lang=en", "lang=ar"))
    assert page.status_code == 400 and 'dir="rtl"' in page.text
    assert "<h1>The link did not work</h1>" not in page.text  # in Arabic
    user = db.session.get(User, me["id"])
    assert (user.email, user.pending_email) == (me["email"], "elsewhere@example.org")


def test_resend_and_bad_addresses(app, client, auth, mail_outbox):
    auth.signup(client)
    assert client.post("/api/me/email/confirm").status_code == 409  # nothing left to prove
    client.post("/api/me/email", json={"email": "next@example.org"})
    _empty(mail_outbox)
    assert client.post("/api/me/email/confirm").status_code == 202
    (listed,) = mail_outbox.messages()
    assert listed["to"].endswith("next@example.org>") or listed["to"] == "next@example.org"
    bad = client.post("/api/me/email", json={"email": "not an address\r\nBcc: x@y.org"})
    assert bad.status_code == 422 and "email" in str(bad.json)
