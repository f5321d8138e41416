"""Forgotten password: the same answer for any address, a link that works once and ends every
session, refused after a later password change."""
from __future__ import annotations

import re

from tests.auth import TEST_PASSWORD

NEW = "a brand new passphrase 42"


def _token(mail_outbox):
    (listed,) = mail_outbox.messages()
    body = mail_outbox.read(listed["file"]).get_body(("plain",)).get_content()
    return re.search(r"/#/reset\?token=(\S+)", body).group(1)


def test_the_answer_does_not_tell_whether_the_address_exists(app, client, auth, mail_outbox):
    other_client = auth.client()
    me = auth.signup(client)
    for f in mail_outbox.files():
        f.unlink()
    known = other_client.post("/api/auth/forgot", json={"email": me["email"]})
    unknown = other_client.post("/api/auth/forgot", json={"email": "nobody@example.org"})
    assert (known.status_code, known.json) == (unknown.status_code, unknown.json)
    assert known.status_code == 202 and len(mail_outbox.files()) == 1


def test_reset_works_once_and_ends_every_session(app, client, auth, mail_outbox):
    other_client = auth.client()
    me = auth.signup(client)
    for f in mail_outbox.files():
        f.unlink()
    other_client.post("/api/auth/forgot", json={"email": me["email"]})
    token = _token(mail_outbox)
    assert other_client.post("/api/auth/reset",
                             json={"token": token, "password": NEW}).status_code == 204
    assert client.get("/api/me").status_code == 401  # the old session ended
    again = other_client.post("/api/auth/reset", json={"token": token, "password": NEW + "x"})
    assert again.status_code == 422 and "token" in str(again.json)
    signed_in = other_client.post("/api/auth/login", json={"email": me["email"],
                                                           "password": NEW})
    assert signed_in.status_code == 200
    old = other_client.post("/api/auth/login", json={"email": me["email"],
                                                     "password": TEST_PASSWORD})
    assert old.status_code == 401


def test_a_tampered_token_is_refused(app, auth):
    other_client = auth.client()
    bad = other_client.post("/api/auth/reset", json={"token": "x.y.z", "password": NEW})
    assert bad.status_code == 422 and "token" in str(bad.json)


def test_reset_links_are_limited_per_address_asked_about(app, auth):
    other_client = auth.client()
    answers = [other_client.post("/api/auth/forgot", json={"email": "x@example.org"},
                                 environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
               for i in range(4)]  # from four different clients
    assert answers == [202, 202, 202, 429]
