"""Sign-up mails a confirmation link (written to the embedded outbox); it works once, and a
tampered or expired link shows a localized page, nothing stored."""
from __future__ import annotations

import re

from server.accounts.models import User
from server.db import db


def _link(mail_outbox):
    (listed,) = mail_outbox.messages()
    body = mail_outbox.read(listed["file"]).get_body(("plain",)).get_content()
    return listed, re.search(r"http\S+/api/auth/email/confirm\?\S+", body).group(0)


def test_sign_up_mails_a_link_that_confirms_once(app, client, signup, mail_outbox):
    me = signup(client)
    assert me["email_verified"] is False
    listed, link = _link(mail_outbox)
    assert listed["to"].endswith(f"<{me['email']}>")
    assert listed["subject"] == "Confirm your email address"
    path = link.split("127.0.0.1:5000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Email address confirmed" in page.text
    assert client.get("/api/me").json["email_verified"] is True
    again = client.get(path)
    assert again.status_code == 400 and "already used" in again.text


def test_a_tampered_link_is_a_localized_page_and_changes_nothing(app, client, signup,
                                                                 mail_outbox):
    me = signup(client)
    _, link = _link(mail_outbox)
    path = link.split("127.0.0.1:5000", 1)[1].replace("token=", "token=x")
    page = client.get(path.replace("lang=en", "lang=ar"))
    assert page.status_code == 400 and 'dir="rtl"' in page.text
    assert "<h1>The link did not work</h1>" not in page.text  # in Arabic
    assert db.session.get(User, me["id"]).email_verified_at is None
