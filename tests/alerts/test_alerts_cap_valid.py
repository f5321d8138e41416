"""The published XML is standards-valid whatever the database holds: every CAP document passes
the OASIS CAP 1.2 schema (tests/data/cap/), the Atom feed parses cleanly, and coordinates are
written in decimal degrees."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from server.alerts import cap
from server.alerts.models import Alert
from server.broadcast.models import MessageArea, MessageText
from server.config import LANGUAGES
from server.db import db, utcnow
from tests.alerts.helpers import alert_body, create_and_send

XSD = Path(__file__).resolve().parent.parent / "data" / "cap" / "CAP-v1.2.xsd"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
C0 = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
MARKS = "\u200e\u200f"
# Decimal degrees (CAP 1.2 §3.2.4): no exponent, no "-0".
NUMBER = r"-?(0|[1-9]\d*)(\.\d*[1-9])?"
POINT = rf"{NUMBER},{NUMBER}"
POLYGON = re.compile(rf"{POINT}( {POINT})*")
CIRCLE = re.compile(rf"{POINT} {NUMBER}")


@cache
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def assert_valid_cap(data: bytes) -> ET.Element:
    root = ET.fromstring(data)  # noqa: S314  (the server's own output)
    _schema().validate(data.decode("utf-8"))
    for tag, form in (("polygon", POLYGON), ("circle", CIRCLE)):
        for element in root.iter(f"{CAP}{tag}"):
            assert form.fullmatch(element.text), element.text
            assert not re.search(r"(?<![\d.])-0(?![.\d])", element.text), element.text
    return root


def assert_clean_feed(data: bytes) -> feedparser.FeedParserDict:
    feed = feedparser.parse(data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def _dirty(sql_safe: bool) -> str:
    """Every character XML 1.0 forbids, plus what it allows and must keep: tab, line breaks,
    direction marks. Through the database, only what its driver stores (no surrogates; no NUL
    on PostgreSQL)."""
    controls = C0 if not sql_safe or db.engine.dialect.name == "sqlite" else C0[1:]
    surrogates = "" if sql_safe else "\ud800\udfff\udbff"
    return f"Stay{controls}\ufffe\uffff{surrogates} in\tdoors{MARKS}\r\nمحمد"


def _expected(dirty: str) -> str:
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", dirty)


def test_older_rows_with_forbidden_characters_still_give_valid_cap_and_atom(auth, client):
    staff, _ = auth.staff("admin")
    alert = create_and_send(staff, alert_body(
        {"kind": "circle", "lat": 0.00005, "lon": -0.0, "radius_km": 0.5},
        {"kind": "circle", "lat": -90, "lon": 180, "radius_km": 1},
        {"kind": "polygon", "ring": [[5e-05, -1e-05], [5e-05, 1], [1, 1], [5e-05, -1e-05]]}))
    dirty = _dirty(sql_safe=True)
    # As a row written before the inputs were checked: straight into the table.
    db.session.execute(update(MessageText).where(MessageText.alert_id == alert["id"]).values(
        headline=dirty, description=dirty, instruction=dirty))
    db.session.execute(update(Alert).where(Alert.id == alert["id"]).values(event=dirty))
    db.session.flush()

    root = assert_valid_cap(client.get(f"/api/alerts/{alert['id']}.cap").data)
    info = root.find(f"{CAP}info")
    for tag in ("headline", "description", "instruction", "event"):
        assert info.findtext(f"{CAP}{tag}") == _expected(dirty).replace("\r\n", "\n")
    area = info.find(f"{CAP}area")
    assert [c.text for c in area.iter(f"{CAP}circle")] == ["0.00005,0 0.5", "-90,180 1"]
    assert area.findtext(f"{CAP}polygon") == "0.00005,-0.00001 0.00005,1 1,1 0.00005,-0.00001"
    feed = assert_clean_feed(client.get("/api/alerts/feed.atom").data)
    assert feed.entries[0].title.startswith("Stay in\tdoors") and MARKS in feed.entries[0].title


def _alert(headline: str, description: str, instruction: str | None, sender: str,
           language: str, areas: list[MessageArea]) -> Alert:
    """An alert in memory, as a row could hold it (never flushed: the drivers would refuse
    lone surrogates, which the writers must strip all the same)."""
    now = utcnow()
    alert = Alert(id=1, identifier=str(uuid.uuid4()), sender=sender, status="Actual",
                  msg_type="Alert", kind="alert", category="Safety", event=headline,
                  urgency="Immediate", severity="Moderate", certainty="Observed",
                  effective=now, expires=now + timedelta(hours=1), sent_at=now,
                  created_at=now, state="sent")
    alert.texts = [MessageText(language=language, headline=headline, description=description,
                               instruction=instruction)]
    alert.areas = areas
    return alert


def test_lone_surrogates_and_every_control_are_stripped_from_cap_and_atom(app):
    dirty = _dirty(sql_safe=False)
    alert = _alert(dirty, dirty, dirty, f"staff{C0}@example.org", "ar",
                   [MessageArea(kind="country", code="FR")])
    with app.test_request_context():
        root = assert_valid_cap(cap.cap_xml(alert))
        assert root.find(f"{CAP}info").findtext(f"{CAP}headline") == _expected(dirty).replace(
            "\r\n", "\n")
        assert_clean_feed(cap.atom_feed([alert]))


ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)
TINY = st.sampled_from([0.0, -0.0, 5e-05, -5e-05, 1e-7, -1e-7, 5e-07, 1e-300, -1e-300])
LAT = TINY | st.sampled_from([90.0, -90.0]) | st.floats(-90, 90)
LON = TINY | st.sampled_from([180.0, -180.0]) | st.floats(-180, 180)
RADIUS = TINY.map(abs) | st.floats(0.001, 20000)


@st.composite
def areas(draw) -> list[MessageArea]:
    ring = draw(st.lists(st.tuples(LAT, LON), min_size=3, max_size=6))
    return [MessageArea(kind="circle", lat=draw(LAT), lon=draw(LON), radius_km=draw(RADIUS)),
            MessageArea(kind="polygon", ring=[*map(list, ring), list(ring[0])]),
            MessageArea(kind="country", code="FR")]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(headline=ANY_TEXT, description=ANY_TEXT, instruction=st.none() | ANY_TEXT,
       sender=ANY_TEXT, language=st.sampled_from(LANGUAGES), area=areas())
def test_cap_and_atom_are_valid_for_any_text_and_coordinates(
        app, headline, description, instruction, sender, language, area):
    alert = _alert(headline, description, instruction, sender, language, area)
    with app.test_request_context():
        assert_valid_cap(cap.cap_xml(alert))
        assert_clean_feed(cap.atom_feed([alert]))


@given(value=TINY | st.floats(-1e6, 1e6))
def test_decimal_is_fixed_notation_with_at_most_six_places(value):
    written = cap.decimal(value)
    assert re.fullmatch(NUMBER, written), written
    assert abs(float(written) - value) <= 5e-7 + 1e-9
