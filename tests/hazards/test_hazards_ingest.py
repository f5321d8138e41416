from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from server.db import db
from server.devices.models import Device
from server.hazards import impact
from server.hazards.formats import FeedError
from server.hazards.ingest import ingest
from server.hazards.models import HazardEvent
from server.trips.models import Leg
from tests.hazards.conftest import sample, traveler

GDACS_NOW = datetime(2016, 3, 12, 5, tzinfo=UTC)
USGS_NOW = datetime(2019, 2, 2, 12, tzinfo=UTC)


def events(feed):
    return {e.source_id: e for e in db.session.scalars(
        select(HazardEvent).where(HazardEvent.feed == feed))}


def test_gdacs_events_parsed_with_their_areas(app):
    result = ingest("gdacs", "gdacs", sample("gdacs_rss.xml"), now=GDACS_NOW)
    found = events("gdacs")
    assert set(found) == {"FL4339", "EQ1082314", "EQ1077755"} and result["skipped"] == 0
    quake = found["EQ1082314"]
    assert (quake.kind, quake.level, quake.magnitude) == ("earthquake", "orange", 5.6)
    assert quake.areas == [{"kind": "circle", "lat": 18.1737, "lon": 120.277,
                            "radius_km": impact.quake_radius_km(5.6)}]
    assert impact.quake_radius_km(5.6) == 63.1
    assert found["EQ1077755"].level == "red" and found["FL4339"].areas[0]["radius_km"] == 100
    assert found["EQ1082314"].state == "open" and found["EQ1077755"].state == "closed"


def test_usgs_quake_counts_the_travelers_inside(app):
    ingest("usgs", "usgs", sample("usgs_summary.geojson"), now=USGS_NOW)
    quake = events("usgs")["us2000jccs"]
    assert quake.depth_km == 10 and quake.areas[0]["radius_km"] == impact.quake_radius_km(5.9)
    day = date(2019, 2, 1)
    traveler("ID", -2.95, 100.2, day, date(2019, 2, 9), city="Padang")
    traveler("ID", -2.9, 100.1, day, None, city="Padang", devices=0)  # resident, no device
    traveler("ID", -6.2, 106.8, day, date(2019, 2, 9), city="Jakarta")  # far away
    counts = impact.count(quake, USGS_NOW)
    assert (counts["people"], counts["residents"], counts["travelers"]) == (2, 1, 1)
    assert counts["channels"] == {"push": 1}
    assert counts["by_city"] == [{"country": "ID", "city": "Padang", "people": 2}]


def test_each_person_counted_once_by_first_stay_or_fresh_fix(app):
    """Two stays in the area: one person, at the first stay's city. No stay there but a
    consented fresh fix: one person, in the fix's country (no city)."""
    ingest("usgs", "usgs", sample("usgs_summary.geojson"), now=USGS_NOW)
    quake = events("usgs")["us2000jccs"]
    day, end = date(2019, 2, 1), date(2019, 2, 9)
    twice = traveler("ID", -2.95, 100.2, day, end, city="Padang")
    trip_id = db.session.scalar(select(Leg.trip_id).where(Leg.user_id == twice.id))
    db.session.add(Leg(user_id=twice.id, trip_id=trip_id, country="ID", lat=-2.9, lon=100.3,
                       city="Later", start_date=day, end_date=end))
    visitor = traveler("ID", -6.2, 106.8, day, end, city="Jakarta")
    visitor.location_consent = True
    device = db.session.scalar(select(Device).where(Device.user_id == visitor.id))
    device.lat, device.lon, device.position_country = -2.94, 100.21, "ID"
    device.position_at = USGS_NOW
    db.session.flush()
    counts = impact.count(quake, USGS_NOW)
    assert (counts["people"], counts["channels"]) == (2, {"push": 2})
    assert {(c["country"], c["city"], c["people"]) for c in counts["by_city"]} == {
        ("ID", "Padang", 1), ("ID", None, 1)}


def test_cap_polygon_and_geocode_areas(app):
    ingest("cap", "cap", sample("cap_polygon.xml"), now=datetime(2030, 5, 1, 7, tzinfo=UTC))
    ingest("cap", "cap", sample("cap_geocode.xml"), now=datetime(2030, 5, 1, 7, tzinfo=UTC))
    found = events("cap")
    flood, heat = found["sample-flood-2030-0001"], found["sample-heat-2030-0002"]
    assert flood.areas[0]["kind"] == "polygon" and len(flood.areas[0]["ring"]) == 5
    assert (flood.level, flood.country, flood.cap["severity"]) == ("orange", "FR", "Severe")
    assert heat.areas == [{"kind": "country", "code": "FR"}] and heat.level == "red"


def test_an_update_replaces_the_event(app):
    body = sample("cap_polygon.xml")
    now = datetime(2030, 5, 1, 7, tzinfo=UTC)
    ingest("cap", "cap", body, now=now)
    update = (body.replace(b"<msgType>Alert</msgType>", b"<msgType>Update</msgType>"
                           b"<references>hydro@example.org,sample-flood-2030-0001,"
                           b"2030-05-01T06:00:00-00:00</references>")
              .replace(b"sample-flood-2030-0001</identifier>", b"sample-flood-2030-0002"
                       b"</identifier>").replace(b"T06:00:00-00:00</sent>",
                                                 b"T09:00:00-00:00</sent>")
              .replace(b"Seine flood warning", b"Seine flood warning raised"))
    assert ingest("cap", "cap", update, now=now)["changed"]
    found = events("cap")
    assert list(found) == ["sample-flood-2030-0001"]
    assert found["sample-flood-2030-0001"].title == "Seine flood warning raised, Paris"
    assert ingest("cap", "cap", update, now=now)["changed"] == []  # same version: nothing


POISONED = b"""<item><title>bad</title><gdacs:eventtype>EQ</gdacs:eventtype>
<gdacs:eventid>1</gdacs:eventid><geo:Point><geo:lat>123.0</geo:lat><geo:long>10</geo:long>
</geo:Point><gdacs:fromdate>Sat, 12 Mar 2016 04:00:27 GMT</gdacs:fromdate></item>
<item><title>no place</title><gdacs:eventtype>EQ</gdacs:eventtype><gdacs:eventid>2</gdacs:eventid>
</item>"""


def test_a_poisoned_item_is_skipped_and_the_others_stored(app):
    body = sample("gdacs_rss.xml").replace(b"    <item>", POISONED + b"    <item>", 1)
    result = ingest("gdacs", "gdacs", body, now=GDACS_NOW)
    assert result["skipped"] == 2 and len(result["changed"]) == 3
    assert set(events("gdacs")) == {"FL4339", "EQ1082314", "EQ1077755"}


BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><item><title>&lol3;</title></item></channel></rss>"""


@pytest.mark.parametrize("fmt, body", [("gdacs", BOMB), ("cap", b"<alert><info>"),
                                       ("usgs", b"{not json"), ("gdacs", b"<html/>")])
def test_hostile_or_malformed_documents_are_refused_whole(app, fmt, body):
    with pytest.raises(FeedError):
        ingest("x", fmt, body, now=GDACS_NOW)
    assert db.session.scalar(select(func.count()).select_from(HazardEvent)) == 0


def test_cli_imports_a_shipped_sample(app):
    from server.hazards.cli import import_file

    result = app.test_cli_runner().invoke(import_file, [str(
        __import__("tests.hazards.conftest", fromlist=["DATA"]).DATA / "usgs_summary.geojson")])
    assert "3 events stored" in result.output, result.output
