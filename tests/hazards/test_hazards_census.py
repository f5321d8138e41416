"""The census (one read of a batch's boxes, areas tested in the worker over a grid of cells)
counts the people the alerts' audience SQL finds, each at the place the audience rules give."""
import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import exists, func, select

from server.accounts.models import User
from server.broadcast import areas as area_rules
from server.broadcast import audience
from server.broadcast.models import Message
from server.db import db
from server.devices.models import Device
from server.hazards import census
from server.trips.models import Leg, Trip

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
TODAY = NOW.date()


def _dates(rng):
    kind = rng.random()
    if kind < 0.15:
        return TODAY - timedelta(days=rng.randint(0, 400)), None  # resident
    if kind < 0.65:
        return TODAY - timedelta(days=rng.randint(0, 5)), TODAY + timedelta(days=rng.randint(0, 5))
    if kind < 0.8:
        return TODAY - timedelta(days=9), TODAY - timedelta(days=rng.randint(1, 3))  # past
    return TODAY + timedelta(days=1), TODAY + timedelta(days=9)  # upcoming


def _people(rng, lat, lon, spread, count):
    """``count`` travelers with one to three stays (some without coordinates) and up to two
    devices (some with a fix, fresh or stale) around (lat, lon)."""
    for _ in range(count):
        user = User(email=f"c-{uuid.uuid4().hex[:10]}@example.org", password_hash="x",
                    name="T", language="en", role="traveler",
                    location_consent=rng.random() < 0.5)
        db.session.add(user)
        db.session.flush()
        for _ in range(rng.randint(1, 3)):
            start, end = _dates(rng)
            trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="W",
                        emergency_contact_phone="+8613900139000", start_date=start, end_date=end)
            placed = rng.random() < 0.85
            leg_lon = lon + rng.gauss(0, spread)
            leg_lon = leg_lon - 360 if leg_lon > 180 else leg_lon
            trip.legs = [Leg(user_id=user.id, country=rng.choice(["ID", "FJ", "TH"]),
                             subdivision=rng.choice([None, "ID-JK", "FJ-C"]),
                             city=rng.choice([None, "North", "South"]),
                             lat=lat + rng.gauss(0, spread) if placed else None,
                             lon=leg_lon if placed else None, start_date=start, end_date=end)]
            db.session.add(trip)
        for _ in range(rng.choice([0, 1, 1, 2])):
            device = Device(user_id=user.id, endpoint=f"https://push.example/{uuid.uuid4()}",
                            p256dh="k", auth="a")
            if rng.random() < 0.6:
                fix_lon = lon + rng.gauss(0, spread)
                device.lat = round(lat + rng.gauss(0, spread), 2)
                device.lon = round(fix_lon - 360 if fix_lon > 180 else fix_lon, 2)
                device.position_country = rng.choice(["ID", "FJ"])
                device.position_at = NOW - timedelta(hours=rng.choice([1, 5, 30, 50]))
            db.session.add(device)
    db.session.flush()


def _alert(areas):
    return Message(effective=NOW, expires=NOW,
                   areas=[area_rules.build_area(dict(a)) for a in areas])


def _expected(alert) -> Counter:
    """By the audience SQL: who (``audience.people``), their first stay there, else the
    country of their latest fresh fix."""
    people = set(db.session.scalars(select(audience.people(alert, NOW).subquery().c.user_id)))
    first = dict(db.session.execute(select(Leg.user_id, func.min(Leg.id)).where(
        *audience.leg_conditions(alert)).group_by(Leg.user_id)).all())
    fixes = db.session.execute(
        select(Device.user_id, Device.position_country, Device.position_at)
        .join(User, User.id == Device.user_id).where(audience.positioned_only(alert, NOW))
        .order_by(Device.position_at, Device.position_country)).all()
    latest = {user_id: country for user_id, country, _at in fixes}
    pushed = set(db.session.scalars(select(User.id).where(
        exists().where(Device.user_id == User.id))))
    expected = Counter()
    for user_id in people:
        push = int(user_id in pushed)
        if user_id in first:
            leg = db.session.get(Leg, first[user_id])
            expected[(leg.country, leg.subdivision, leg.city, int(leg.end_date is None),
                      push)] += 1
        else:
            expected[(latest[user_id], None, None, 0, push)] += 1
    return expected


AREAS = [
    [{"kind": "circle", "lat": -2.9, "lon": 100.2, "radius_km": 25.0}],
    [{"kind": "circle", "lat": -2.9, "lon": 100.2, "radius_km": 80.0}],  # cells wholly inside
    [{"kind": "circle", "lat": -2.7, "lon": 100.5, "radius_km": 40.0},
     {"kind": "circle", "lat": -3.1, "lon": 99.9, "radius_km": 30.0}],  # overlapping twice
    [{"kind": "polygon", "ring": [[-3.3, 99.8], [-3.3, 100.6], [-2.5, 100.5], [-2.6, 99.9],
                                  [-3.3, 99.8]]}],
    [{"kind": "country", "code": "FJ"}],
    [{"kind": "subdivision", "code": "ID-JK"},
     {"kind": "circle", "lat": -2.9, "lon": 100.2, "radius_km": 20.0}],
    [{"kind": "circle", "lat": -17.0, "lon": 179.9, "radius_km": 60.0}],  # across 180
    [{"kind": "polygon", "ring": [[-17.5, 179.5], [-17.5, -179.6], [-16.5, -179.6],
                                  [-16.5, 179.5], [-17.5, 179.5]]}],
]


@pytest.fixture
def crowd(app):
    rng = random.Random(5)
    _people(rng, -2.9, 100.2, 0.4, 160)
    _people(rng, -17.0, 179.9, 0.4, 80)


@pytest.mark.parametrize("index", range(len(AREAS)))
def test_census_counts_whom_the_audience_sql_counts(crowd, index):
    alert = _alert(AREAS[index])
    rows = census.grouped([alert], NOW)[0]
    found = Counter({tuple(row[:-1]): row[-1] for row in rows})
    assert found == _expected(alert) and sum(found.values()) > 0


def test_a_batch_counts_each_event_as_alone(crowd):
    alerts = [_alert(areas) for areas in AREAS]
    def counted(rows):
        return sorted(rows, key=repr)

    together = [counted(rows) for rows in census.grouped(alerts, NOW)]
    assert together == [counted(census.grouped([alert], NOW)[0]) for alert in alerts]


def test_the_count_follows_the_stays_as_they_change(crowd):
    """Nothing is kept between counts: a stay added, moved out or ended shows at once."""
    alert = _alert(AREAS[1])
    before = sum(row[-1] for row in census.grouped([alert], NOW)[0])
    user = User(email="mover@example.org", password_hash="x", name="M", language="en",
                role="traveler")
    db.session.add(user)
    db.session.flush()
    trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="W",
                emergency_contact_phone="+8613900139000", start_date=TODAY, end_date=None)
    leg = Leg(user_id=user.id, country="ID", lat=-2.9, lon=100.2, start_date=TODAY,
              end_date=None)
    trip.legs = [leg]
    db.session.add(trip)
    db.session.flush()
    assert sum(row[-1] for row in census.grouped([alert], NOW)[0]) == before + 1
    leg.lat = 10.0
    db.session.flush()
    assert sum(row[-1] for row in census.grouped([alert], NOW)[0]) == before
    leg.lat, leg.end_date = -2.9, TODAY - timedelta(days=1)
    db.session.flush()
    assert sum(row[-1] for row in census.grouped([alert], NOW)[0]) == before
    assert _expected(alert).total() == before


def test_a_cell_is_inside_only_if_all_of_it_passes_the_exact_test():
    circle = area_rules.build_area({"kind": "circle", "lat": 0.05, "lon": 0.05,
                                    "radius_km": 7.9})
    assert census._whole_cells(circle)(0, 0)  # the corners are 7.86 km away
    tight = area_rules.build_area({"kind": "circle", "lat": 0.05, "lon": 0.05,
                                   "radius_km": 7.8})
    assert not census._whole_cells(tight)(0, 0)


def test_people_alone_in_a_cell_held_whole_are_counted_once(app):
    """Counted ahead by cell: one stay and a fresh fix there, once (at the stay); two stays
    there, once (at the first)."""
    alone = User(email="alone@example.org", password_hash="x", name="A", language="en",
                 role="traveler", location_consent=True)
    twice = User(email="twice@example.org", password_hash="x", name="B", language="en",
                 role="traveler")
    db.session.add_all([alone, twice])
    db.session.flush()
    for user, cities in ((alone, ["One"]), (twice, ["First", "Second"])):
        trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="W",
                    emergency_contact_phone="+8613900139000", start_date=TODAY, end_date=None)
        trip.legs = [Leg(user_id=user.id, country="ID", city=city, lat=-2.95, lon=100.25,
                         start_date=TODAY, end_date=None) for city in cities]
        db.session.add(trip)
    db.session.add(Device(user_id=alone.id, endpoint="https://push.example/alone", p256dh="k",
                          auth="a", lat=-2.95, lon=100.25, position_country="ID",
                          position_at=NOW))
    db.session.flush()
    alert = _alert(AREAS[1])
    assert census._whole_cells(alert.areas[0])(*census._cell(-2.95, 100.25))
    rows = census.grouped([alert], NOW)[0]
    assert sorted(rows, key=repr) == [["ID", None, "First", 1, 0, 1], ["ID", None, "One", 1, 1, 1]]
