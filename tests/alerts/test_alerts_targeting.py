"""Who is in the audience: the SQL targeting table (codes, circles, polygons, dates, positions)."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from server.accounts.models import User
from server.alerts import services
from server.broadcast import audience
from server.db import db
from tests.fixtures.push import TODAY, here


def _alert(*areas, effective=None, expires=None, languages=("en",)):
    admin = User(id=None, role="admin", embassy_id=None, email="admin@example.org")
    effective = effective or datetime.now(UTC)
    expires = expires or effective + timedelta(hours=6)
    data = {"msg_type": "Alert", "status": "Actual", "category": "Safety", "event": "Storm",
            "urgency": "Immediate", "severity": "Moderate", "certainty": "Observed",
            "effective": effective, "expires": expires, "references": None,
            "texts": [{"language": language, "headline": "h", "description": "d",
                       "instruction": None, "web": None} for language in languages],
            "areas": list(areas)}
    return services.create_alert(admin, data)


def _reached(alert) -> set[int]:
    return {row.user_id for row in db.session.execute(audience.audience(alert))}


COUNTRY = {"kind": "country", "code": "FR"}
SUBDIVISION = {"kind": "subdivision", "code": "US-CA"}
# Fiji, straddling 180°: a 150 km circle centred just west of the antimeridian.
FIJI = {"kind": "circle", "lat": -17.0, "lon": 179.8, "radius_km": 150}
# A square around Paris, and a box across the antimeridian (Chukotka / Bering Strait).
PARIS = {"kind": "polygon",
         "ring": [[48.7, 2.2], [48.7, 2.5], [49.0, 2.5], [49.0, 2.2], [48.7, 2.2]]}
BERING = {"kind": "polygon",
          "ring": [[64.0, 178.0], [64.0, -178.0], [67.0, -178.0], [67.0, 178.0], [64.0, 178.0]]}


@pytest.mark.parametrize("area, leg, reached", [
    (COUNTRY, here("FR"), True),
    (COUNTRY, here("DE"), False),
    (SUBDIVISION, here("US", "US-CA"), True),
    (SUBDIVISION, here("US", "US-TX"), False),
    (SUBDIVISION, here("US"), False),
    (FIJI, here("FJ", lat=-17.0, lon=-179.5), True),  # across the antimeridian
    (FIJI, here("FJ", lat=-17.0, lon=179.9), True),
    (FIJI, here("FJ", lat=-17.0, lon=176.0), False),  # about 400 km west
    (FIJI, here("FJ", lat=-19.0, lon=179.8), False),  # about 220 km south
    (FIJI, here("FJ"), False),  # no coordinates: not in a circle
    (PARIS, here("FR", lat=48.85, lon=2.35), True),
    (PARIS, here("FR", lat=48.85, lon=2.6), False),
    (BERING, here("RU", lat=65.0, lon=179.5), True),
    (BERING, here("US", lat=65.0, lon=-179.0), True),
    (BERING, here("RU", lat=65.0, lon=177.0), False),
])
def test_targeting_table(create_traveler, area, leg, reached):
    user, _ = create_traveler(leg)
    assert (user.id in _reached(_alert(area))) is reached


@pytest.mark.parametrize("start, end, reached", [
    (-10, -2, False),  # ended the day before the alert takes effect
    (-10, 0, True),  # ends the day it takes effect
    (2, 10, True),  # starts the day it expires
    (3, 10, False),  # starts the day after it expires
    (-400, None, True),  # resident abroad, no end date
    (5, None, False),  # moves there after the alert
])
def test_leg_dates_at_the_edges_of_the_window(create_traveler, start, end, reached):
    user, _ = create_traveler(here("FR", start=start, end=end))
    effective = datetime.combine(TODAY, time(12), tzinfo=UTC)
    alert = _alert(COUNTRY, effective=effective, expires=effective + timedelta(days=2))
    assert (user.id in _reached(alert)) is reached


def test_multi_leg_trips_match_on_the_leg_in_the_area(create_traveler):
    now_in_france, _ = create_traveler(here("DE", start=-10, end=-3), here("FR", start=-3, end=4))
    france_later, _ = create_traveler(here("DE", start=-3, end=20), here("FR", start=20, end=30))
    reached = _reached(_alert(COUNTRY))
    assert now_in_france.id in reached and france_later.id not in reached


def test_every_device_of_a_traveler_once_in_their_language(create_traveler):
    user, devices = create_traveler(here("FR"), here("FR", start=6, end=8), language="zh_Hant",
                                    devices=2)
    alert = _alert(COUNTRY)
    rows = db.session.execute(audience.audience(alert)).all()
    assert sorted(r.device_id for r in rows) == sorted(d.id for d, _ in devices)
    assert {r.language for r in rows} == {"en"}  # the alert has English only: the default


@pytest.mark.parametrize("consent, age_hours, position, reached", [
    (True, 1, (-17.0, -179.9), True),
    (True, 30, (-17.0, -179.9), False),  # stale fix
    (False, 1, (-17.0, -179.9), False),  # no consent
    (True, 1, (10.0, 10.0), False),  # elsewhere
])
def test_devices_with_a_fresh_consented_position_in_the_area(create_traveler, consent,
                                                             age_hours, position, reached):
    user, [(device, _)] = create_traveler(consent=consent, position=position,
                                          position_age=timedelta(hours=age_hours))
    assert (user.id in _reached(_alert(FIJI))) is reached


def test_position_counts_for_country_alerts_and_preview_counts(create_traveler):
    on_holiday, _ = create_traveler(consent=True, position=(48.85, 2.35))
    registered, _ = create_traveler(here("FR"), devices=2, language="zh_Hans")
    no_device, _ = create_traveler(here("FR"), devices=0)
    alert = _alert(COUNTRY)
    assert _reached(alert) == {on_holiday.id, registered.id}
    preview = audience.preview(alert)
    # English only: everyone gets the default language.
    # The traveler with no device is reached by email (every message, when there is no push).
    assert preview == {"travelers": 3, "devices": 3, "by_language": {"en": 3},
                       "by_channel": {"webpush": 3, "email": 1}, "cost": {}}
    assert no_device.id not in _reached(alert)


def test_preview_counts_each_person_once_and_each_device_in_its_language(create_traveler):
    two_stays, _ = create_traveler(here("FR"), here("FR"), devices=2, language="zh_Hans")
    create_traveler(here("FR"), devices=0)
    positioned, _ = create_traveler(consent=True, position=(48.85, 2.35), devices=2,
                                    device_language="fr")  # not in the alert: the default
    stay_and_position, _ = create_traveler(here("FR"), consent=True, position=(48.85, 2.35))
    create_traveler(consent=True, position=(48.85, 2.35), position_age=timedelta(days=3))
    alert = _alert(COUNTRY, languages=("en", "zh_Hans"))
    preview = audience.preview(alert)
    assert preview == {"travelers": 4, "devices": 5, "by_language": {"en": 3, "zh_Hans": 2},
                       "by_channel": {"webpush": 5, "email": 1}, "cost": {}}
    # The one statement agrees with the audience and people queries it stands in for.
    devices = db.session.execute(audience.audience(alert)).all()
    people = db.session.execute(audience.people(alert)).all()
    assert len(people) == preview["travelers"] and len(devices) == preview["devices"]
    assert {row.user_id for row in devices} == {two_stays.id, positioned.id,
                                                stay_and_position.id}
