"""Routing: the position's country and region first, then the current trip's stay, then the
default queue."""
from datetime import date, timedelta

import pytest

from server.embassies import services as embassies
from tests.conftest import leg
from tests.sos.helpers import sos_body

TODAY = date.today()
PARIS, TOKYO, LOS_ANGELES, HOUSTON = (48.8566, 2.3522), (35.6762, 139.6503), \
    (34.0522, -118.2437), (29.7604, -95.3698)
MID_ATLANTIC = (30.0, -40.0)

# What the offline boundary data answers for these points (None: at sea; FR, JP not split).
FAKE_PLACES = {PARIS: ("FR", None), TOKYO: ("JP", None), LOS_ANGELES: ("US", "US-CA"),
               HOUSTON: ("US", "US-TX"), MID_ATLANTIC: (None, None)}


@pytest.fixture
def missions(create_mission):
    return {
        "fr": create_mission("fr-paris", "FR", ["FR"]),
        "jp": create_mission("jp-tokyo", "JP", ["JP"]),
        "us": create_mission("us-dc", "US", ["US"]),
        "us-ca": create_mission("us-la", "US", ["US-CA"], kind="consulate_general"),
    }


@pytest.fixture
def fake_geo(monkeypatch):
    monkeypatch.setattr(embassies, "place_at", lambda lat, lon: FAKE_PLACES[(lat, lon)])


def _raise(client, point=None, **fields):
    if point:
        fields.update(lat=point[0], lon=point[1], accuracy=25)
    response = client.post("/api/sos", json=sos_body(**fields))
    assert response.status_code == 201, response.json
    return response.json


# (trip stay, position) -> (routed_by, mission key or None, country, subdivision)
ROUTES = [
    (None, PARIS, "position", "fr", "FR", None),
    (None, TOKYO, "position", "jp", "JP", None),
    (None, LOS_ANGELES, "position", "us-ca", "US", "US-CA"),
    (None, HOUSTON, "position", "us", "US", "US-TX"),
    (leg("US", TODAY, 5, subdivision="US-CA"), LOS_ANGELES, "position", "us-ca", "US", "US-CA"),
    # Where the traveler is, not where they stay, decides.
    (leg("US", TODAY, 5, subdivision="US-CA"), HOUSTON, "position", "us", "US", "US-TX"),
    (leg("US", TODAY, 5, subdivision="US-TX"), LOS_ANGELES, "position", "us-ca", "US", "US-CA"),
    (leg("JP", TODAY, 5), LOS_ANGELES, "position", "us-ca", "US", "US-CA"),
    (leg("FR", TODAY, 5), PARIS, "position", "fr", "FR", None),
    (leg("JP", TODAY, 5), MID_ATLANTIC, "trip", "jp", "JP", None),
    (leg("US", TODAY, 5, subdivision="US-CA"), None, "trip", "us-ca", "US", "US-CA"),
    (leg("FR", TODAY, 5), None, "trip", "fr", "FR", None),
    (None, MID_ATLANTIC, "default", None, None, None),
    (None, None, "default", None, None, None),
    (leg("BR", TODAY, 5), None, "default", None, "BR", None),
]


@pytest.mark.usefixtures("fake_geo")
@pytest.mark.parametrize("stay, point, routed_by, mission, country, subdivision", ROUTES)
def test_routing_table(client, auth, create_trip, missions, stay, point, routed_by, mission,
                       country, subdivision):
    auth.signup(client)
    if stay:
        create_trip(client, stay)
    case = _raise(client, point)
    assert case["routed_by"] == routed_by
    expected = missions[mission].id if mission else None
    assert (case["mission"] or {}).get("id") == expected
    assert (case["country"], case["subdivision"]) == (country, subdivision)


@pytest.mark.usefixtures("fake_geo")
def test_trip_named_by_the_phone_wins_over_the_current_one(client, auth, create_trip, missions):
    auth.signup(client)
    create_trip(client, leg("FR", TODAY, 5))
    planned = create_trip(client, leg("JP", TODAY + timedelta(days=10), 5))
    case = _raise(client, trip_id=planned["id"])
    assert case["routed_by"] == "trip" and case["mission"]["id"] == missions["jp"].id
    unknown = _raise(client, trip_id=999_999)
    assert unknown["mission"]["id"] == missions["fr"].id


def test_a_failing_place_lookup_falls_back_to_the_trip(client, auth, create_trip,
                                                       missions, monkeypatch):
    def broken(lat, lon):
        raise RuntimeError("boundary data missing")

    monkeypatch.setattr(embassies, "place_at", broken)
    auth.signup(client)
    create_trip(client, leg("FR", TODAY, 5))
    case = _raise(client, PARIS)
    assert case["routed_by"] == "trip" and case["mission"]["id"] == missions["fr"].id


def test_routing_with_the_real_boundary_data(client, auth, create_trip, missions):
    auth.signup(client)
    create_trip(client, leg("US", TODAY, 5, subdivision="US-CA"))
    assert _raise(client, PARIS)["mission"]["id"] == missions["fr"].id
    assert _raise(client, TOKYO)["mission"]["id"] == missions["jp"].id
    assert _raise(client, LOS_ANGELES)["mission"]["id"] == missions["us-ca"].id
    at_sea = _raise(client, MID_ATLANTIC)
    assert at_sea["routed_by"] == "trip" and at_sea["mission"]["id"] == missions["us-ca"].id


# With the real boundary data and the sample directory.
REAL_ROUTES = [
    ((34.0522, -118.2437), "us-los-angeles", "US-CA"),  # Los Angeles
    ((40.78, -73.96), "us-new-york", "US-NY"),  # Manhattan
    ((29.7604, -95.3698), "us-houston", "US-TX"),  # Houston
    ((38.9072, -77.0369), "us-washington", "US-DC"),  # no consulate covers D.C.
    ((55.9533, -3.1883), "gb-edinburgh", "GB-SCT"),  # Edinburgh: a nation above its councils
    ((45.4642, 9.19), "it-milan", "IT-25"),  # Milan: Lombardy, a region above its provinces
    ((34.6937, 135.5023), "jp-osaka", "JP-27"),
    ((35.6762, 139.6503), "jp-tokyo", "JP-13"),
]


@pytest.fixture
def sample_missions(app):
    embassies.upsert_missions(embassies.validate_rows(
        embassies.read_rows(embassies.SAMPLE_FILE))[0], is_sample=True)
    return {m.key: m.id for m in embassies.list_missions()}


@pytest.mark.parametrize("point, key, subdivision", REAL_ROUTES)
def test_a_position_goes_to_the_mission_covering_its_region(client, auth, sample_missions,
                                                            point, key, subdivision):
    auth.signup(client)
    case = _raise(client, point)
    assert case["routed_by"] == "position"
    assert case["mission"]["id"] == sample_missions[key]
    assert case["subdivision"] == subdivision


def test_serving_by_position_names_the_regions_mission(client, sample_missions):
    response = client.get("/api/embassies/serving?lat=34.0522&lon=-118.2437")
    assert response.status_code == 200 and response.json["id"] == sample_missions["us-los-angeles"]
