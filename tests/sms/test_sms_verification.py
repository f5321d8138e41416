"""A number is proven by a 6-digit code by SMS: expiring, at most 5 tries, rate-limited per
account and per number; a changed number is unproven; only proven numbers are reachable."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from server.accounts.models import User
from server.db import db, utcnow
from server.sms.models import PhoneVerification
from server.sms.services import sms_reachable


def _code(outbox) -> str:
    return re.search(r"(?<!\d)(\d{6})(?!\d)", outbox.messages()[-1]["text"]).group(1)


def test_a_code_by_sms_proves_the_number(client, auth, outbox):
    auth.signup(client, phone="138 0013-8000", language="zh_Hans")  # no +: a home (CN) number
    me = client.get("/api/me").json
    assert me["phone_verified"] is False
    assert client.post("/api/me/phone/code").status_code == 202
    sent = outbox.messages()[-1]
    assert sent["to"] == me["phone"] and sent["encoding"] == "ucs2"
    assert "验证码" in sent["text"] and "10" in sent["text"]
    response = client.post("/api/me/phone/verify", json={"code": _code(outbox)})
    assert response.status_code == 200 and response.json["phone_verified"] is True
    user = db.session.get(User, me["id"])
    assert sms_reachable(user)


def test_a_number_in_any_format_is_stored_as_e164_and_a_bad_one_named(client, auth):
    user = auth.signup(client, phone="+33 (0)6 12-34-56-78")
    assert user["phone"] == "+33612345678"
    bad = client.patch("/api/me", json={"phone": "12"})
    assert bad.status_code == 422 and "phone" in bad.json["errors"]["json"]


def test_wrong_codes_are_counted_and_the_sixth_try_refused(client, auth, outbox):
    auth.signup(client)
    client.post("/api/me/phone/code")
    right = _code(outbox)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        response = client.post("/api/me/phone/verify", json={"code": wrong})
        assert response.status_code == 422 and "code" in response.json["errors"]["json"]
    refused = client.post("/api/me/phone/verify", json={"code": right})
    assert refused.status_code == 429
    assert client.get("/api/me").json["phone_verified"] is False


def test_an_expired_code_is_refused(client, auth, outbox):
    user = auth.signup(client)
    client.post("/api/me/phone/code")
    db.session.execute(update(PhoneVerification).where(PhoneVerification.user_id == user["id"])
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post("/api/me/phone/verify", json={"code": _code(outbox)})
    assert response.status_code == 422
    assert "expired" in response.json["errors"]["json"]["code"][0]


def test_a_changed_number_is_unproven_again_and_the_old_code_void(client, auth, outbox):
    auth.signup(client)
    client.post("/api/me/phone/code")
    code = _code(outbox)
    assert client.post("/api/me/phone/verify", json={"code": code}).json["phone_verified"]
    assert client.post("/api/me/phone/code").status_code == 409  # already proven
    changed = client.patch("/api/me", json={"phone": "+33698765432"})
    assert changed.json["phone_verified"] is False
    client.post("/api/me/phone/code")
    client.patch("/api/me", json={"phone": "+33611111111"})
    assert client.post("/api/me/phone/verify", json={"code": _code(outbox)}).status_code == 422


def test_codes_are_rate_limited_per_account(client, auth, outbox):
    user = auth.signup(client)
    statuses = []
    for _ in range(4):
        statuses.append(client.post("/api/me/phone/code").status_code)
        db.session.execute(update(User).where(User.id == user["id"])
                           .values(phone_verified_at=None))
        db.session.commit()
    assert statuses == [202, 202, 202, 429]
    assert len(outbox.messages()) == 3


def test_codes_are_rate_limited_per_number_across_accounts(app, auth, outbox):
    statuses = []
    for _ in range(4):
        client = auth.client()
        auth.signup(client, phone="+33612345678")
        statuses.append(client.post("/api/me/phone/code").status_code)
    assert statuses == [202, 202, 202, 429]


def test_a_number_is_proven_on_one_account_at_a_time(app, auth, outbox):
    first, second = auth.client(), auth.client()
    auth.signup(first, phone="+33612345678")
    auth.signup(second, phone="+33612345678")
    first.post("/api/me/phone/code")
    first.post("/api/me/phone/verify", json={"code": _code(outbox)})
    second.post("/api/me/phone/code")
    second.post("/api/me/phone/verify", json={"code": _code(outbox)})
    assert second.get("/api/me").json["phone_verified"] is True
    assert first.get("/api/me").json["phone_verified"] is False


def test_the_code_endpoints_need_a_session(client):
    assert client.post("/api/me/phone/code").status_code == 401
    assert client.post("/api/me/phone/verify", json={"code": "123456"}).status_code == 401
