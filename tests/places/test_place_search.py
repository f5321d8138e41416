"""Staff place search (``/api/staff/places/search``) and the gazetteer's descriptions."""
import pytest

from server.places import gazetteer

SEARCH = "/api/staff/places/search"


@pytest.mark.parametrize("query", ["Paris", "paris", "巴黎", "باريس", "PARÍS"])
def test_paris_is_found_in_any_script(auth, query):
    client, _user = auth.staff("viewer", "fr-paris")
    found = client.get(SEARCH, query_string={"q": query, "limit": 3})
    assert found.status_code == 200, found.json
    first = found.json[0]
    assert first["country_code"] == "FR" and first["population"] > 2_000_000
    assert abs(first["lat"] - 48.85) < 0.01 and abs(first["lon"] - 2.35) < 0.01
    assert len(found.json) <= 3


def test_results_follow_the_staff_members_language(auth):
    client, _user = auth.staff("officer", "fr-paris")
    assert client.patch("/api/staff/me", json={"language": "ar"}).status_code == 200
    first = client.get(SEARCH, query_string={"q": "Paris"}).json[0]
    assert first["name"] == "باريس" and first["country"] == "فرنسا"


def test_a_typed_position_is_returned_as_that_point(auth):
    client, _user = auth.staff("viewer", "fr-paris")
    found = client.get(SEARCH, query_string={"q": "48.85, 2.35"}).json
    assert len(found) == 1
    assert (found[0]["lat"], found[0]["lon"]) == (48.85, 2.35)
    assert found[0]["population"] is None and found[0]["country_code"] == "FR"
    assert found[0]["name"] == "in Paris"


@pytest.mark.parametrize("args", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 101},
                                  {"q": "Paris", "limit": 0}, {"q": "Paris", "limit": "many"}])
def test_bad_search_is_refused_naming_the_field(auth, args):
    client, _user = auth.staff("viewer", "fr-paris")
    refused = client.get(SEARCH, query_string=args)
    assert refused.status_code == 422
    assert set(refused.json["errors"]["query"]) == {"limit" if "limit" in args else "q"}


def test_an_out_of_range_position_is_a_name_search_not_a_point():
    assert gazetteer.typed_point("48.85, 2.35") == (48.85, 2.35)
    assert gazetteer.typed_point("-33.9 151.2") == (-33.9, 151.2)
    assert gazetteer.typed_point("91, 2") is None and gazetteer.typed_point("1, 181") is None


def test_travelers_and_strangers_may_not_search(client, auth):
    other_client = auth.client()
    assert other_client.get(SEARCH, query_string={"q": "Paris"}).status_code == 401
    auth.signup(client)
    assert client.get(SEARCH, query_string={"q": "Paris"}).status_code == 403


def test_search_is_in_the_openapi_document(client):
    operation = client.get("/api/openapi.json").json["paths"][SEARCH]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "limit"}
    assert operation.get("security")


NEAR_PARIS = (48.88, 2.38)  # ~4 km north-east of the centre, inside the city


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "4 km NE of Paris"),
    ("ar", "4 كم شمال شرق باريس"),
])
def test_a_point_is_described_from_the_nearest_city(app, language, expected):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert gazetteer.describe(*NEAR_PARIS, language) == expected


def test_within_a_kilometre_a_point_is_in_the_city(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert gazetteer.describe(48.8535, 2.349, "en") == "in Paris"
    # A district listed as a city does not replace the city everyone knows.
    assert gazetteer.nearest(48.883, 2.383).name == "Paris"


CITIES = "/api/staff/places/cities"


def test_the_largest_cities_of_a_map_box_come_first(auth):
    client, _user = auth.staff("viewer", "fr-paris")
    france = {"south": 42, "west": -5, "north": 51.2, "east": 8.3, "limit": 5}
    found = client.get(CITIES, query_string=france)
    assert found.status_code == 200, found.json
    assert found.json[0]["name"] == "Paris" and len(found.json) == 5
    populations = [city["population"] for city in found.json]
    assert populations == sorted(populations, reverse=True)
    assert all(42 <= c["lat"] <= 51.2 and -5 <= c["lon"] <= 8.3 for c in found.json)


def test_a_city_s_districts_are_not_labelled_beside_it(auth):
    client, _user = auth.staff("viewer", "fr-paris")
    paris = {"south": 48.8, "west": 2.25, "north": 48.92, "east": 2.42, "limit": 30}
    names = [c["name"] for c in client.get(CITIES, query_string=paris).json]
    assert names[0] == "Paris"
    assert not [name for name in names if name.startswith("Paris ")]


def test_a_box_across_the_antimeridian_holds_both_sides(auth):
    client, _user = auth.staff("viewer", "fr-paris")
    fiji = {"south": -20, "west": 177, "north": -15, "east": -178, "limit": 50}
    found = client.get(CITIES, query_string=fiji).json
    assert found and {c["country_code"] for c in found} == {"FJ"}
    assert all(c["lon"] >= 177 or c["lon"] <= -178 for c in found)


@pytest.mark.parametrize(("args", "field"), [
    ({"south": 50, "west": 0, "north": 40, "east": 5}, "south"),
    ({"south": 40, "west": 0, "north": 95, "east": 5}, "north"),
    ({"south": 40, "north": 50, "east": 5}, "west"),
    ({"south": 40, "west": 0, "north": 50, "east": 5, "limit": 500}, "limit"),
])
def test_a_bad_box_is_refused_naming_the_field(auth, args, field):
    client, _user = auth.staff("viewer", "fr-paris")
    refused = client.get(CITIES, query_string=args)
    assert refused.status_code == 422
    assert set(refused.json["errors"]["query"]) == {field}


def test_travelers_may_not_list_cities(client, auth):
    auth.signup(client)
    box = {"south": 40, "west": 0, "north": 50, "east": 5}
    assert client.get(CITIES, query_string=box).status_code == 403


@pytest.mark.parametrize(("point", "expected"), [
    ((-18.07, 178.52), "in Nasinu"),  # Fiji
    ((-18.12, 178.60), "11 km SE of Nasinu"),
    ((-16.43, -179.9), "78 km E of Labasa"),  # across 180 degrees from the city
    ((64.8, -179.5), "142 km E of Anadyr"),
])
def test_a_point_near_the_antimeridian_is_described_from_its_city(app, point, expected):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert gazetteer.describe(*point, "en") == expected
