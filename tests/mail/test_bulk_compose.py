"""The fan-out's emails (``server/mail/bulk.py``: what every recipient shares written once per
language) are exactly those of ``compose()``, one whole message per recipient: the same bytes
boundary aside, the same headers and parts once parsed, in English, Arabic and Chinese, for
alerts, an Update threaded under its original, and roll calls with their per-recipient links."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from server.accounts.models import User
from server.alerts.models import Alert
from server.broadcast.models import MessageText
from server.db import db, utcnow
from server.embassies.models import Embassy
from server.mail.bulk import Prepared
from server.mail.compose import compose
from server.mail.message import HeaderInjection
from server.mail.transport import wire
from server.rollcall.models import RollCall, RollCallMessage

NAMES = ["Traveler One", "O'Brien, Jr.", "مسافر من القاهرة", "旅行者 王", "",
         "Maximiliane Alexandra Konstantinopoulou-Wittgenstein von und zu Hohenberg"]
LANGUAGES = ["en", "ar", "zh_Hans", "fr"]  # fr: no text of its own, the default's
BOUNDARY = re.compile(rb'boundary="([^"]+)"')


def _alert(kind="alert", references=None):
    embassy = db.session.scalar(select(Embassy).limit(1))
    message = dict(embassy_id=embassy.id if embassy else None,
                   msg_type="Update" if references else "Alert",
                   references_id=references.id if references else None, severity="Extreme",
                   effective=utcnow(), expires=utcnow() + timedelta(hours=6), state="sent")
    alert = RollCallMessage(**message) if kind == "rollcall" else Alert(
        identifier=uuid.uuid4().hex, sender="s@example.org", status="Actual", category="Safety",
        event="Flood", urgency="Immediate", certainty="Likely", **message)
    alert.texts = [
        MessageText(language="en", headline="River flooding downtown",
                  description="Stay away from the river. " * 12,
                  instruction="Go to high ground; call the hotline if you are trapped."),
        MessageText(language="ar", headline="فيضان النهر في وسط المدينة",
                  description="ابتعد عن النهر. " * 12, instruction="اذهب إلى مكان مرتفع."),
        MessageText(language="zh_Hans", headline="市中心河流洪水", description="远离河流。" * 30)]
    db.session.add(alert)
    db.session.flush()
    if kind == "rollcall":
        db.session.add(RollCall(alert_id=alert.id, embassy_id=alert.embassy_id,
                                deadline=utcnow() + timedelta(hours=2)))
        db.session.flush()
    return alert


def _users():
    users = [User(email=f"b-{uuid.uuid4().hex[:8]}@example.org", password_hash="x", name=name,
                  language=LANGUAGES[i % len(LANGUAGES)], role="traveler")
             for i, name in enumerate(NAMES)]
    db.session.add_all(users)
    db.session.flush()
    return users


def _headers(message) -> list[tuple[str, str]]:
    return [(name, re.sub(r'boundary="[^"]+"', "", str(value)))
            for name, value in message.items()]


def _assert_same(fast, reference):
    """The same bytes once the boundaries are swapped, and the same message once parsed."""
    ref = wire(reference)
    assert (fast.sender, fast.recipients) == (ref.sender, ref.recipients)
    mine, theirs = BOUNDARY.findall(fast.data), BOUNDARY.findall(ref.data)
    assert len(mine) == len(theirs) == 1
    assert fast.data == ref.data.replace(theirs[0], mine[0])
    a, b = (message_from_bytes(data, policy=policy.default) for data in (fast.data, ref.data))
    assert _headers(a) == _headers(b)
    parts = [(list(a.walk()), list(b.walk()))]
    for mine_parts, their_parts in parts:
        assert len(mine_parts) == len(their_parts) == 3
        for x, y in zip(mine_parts[1:], their_parts[1:], strict=True):
            assert _headers(x) == _headers(y)
            assert x.get_content() == y.get_content()
    return a


@pytest.fixture
def frozen_links(monkeypatch):
    """Roll-call tokens carry the second they were signed: both paths sign in the same one."""
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_800_000_000)


@pytest.mark.parametrize("kind", ["alert", "update", "rollcall"])
def test_the_batch_path_writes_exactly_the_messages_compose_writes(app, kind, frozen_links):
    with app.test_request_context():
        original = _alert()
        alert = (_alert("rollcall") if kind == "rollcall"
                 else _alert(references=original) if kind == "update" else original)
        users = _users()
        now = utcnow().replace(microsecond=0)
        prepared = {language: Prepared(alert, language, now) for language in LANGUAGES}
        seen = {}
        for user in users:
            parsed = _assert_same(prepared[user.language].wire(user),
                                  compose(alert, user, user.language, now))
            seen[user.language] = parsed
        arabic, chinese = seen["ar"], seen["zh_Hans"]
        assert "فيضان النهر" in arabic["Subject"] and "市中心河流洪水" in chinese["Subject"]
        assert 'dir="rtl"' in arabic.get_body(("html",)).get_content()
        assert "远离河流" in chinese.get_body(("plain",)).get_content()
        named = message_from_bytes(prepared["ar"].wire(users[2]).data, policy=policy.default)
        assert named["To"].addresses[0].display_name == "مسافر من القاهرة"
        if kind == "update":
            assert arabic["In-Reply-To"] == arabic["References"]
        if kind == "rollcall":
            plain = arabic.get_body(("plain",)).get_content()
            assert plain.count("/email-answer?token=") == 2 and "List-Unsubscribe" not in arabic
        db.session.rollback()


def test_a_line_break_in_an_address_or_name_is_refused_per_recipient(app):
    with app.test_request_context():
        alert, (user, *_rest) = _alert(), _users()
        prepared = Prepared(alert, "en", utcnow())
        user.name = "Eve\r\nBcc: everyone@example.org"
        with pytest.raises(HeaderInjection):
            prepared.wire(user)
        db.session.rollback()
