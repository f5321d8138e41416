"""Local emergency numbers, from phonenumbers' short-number metadata."""


def test_a_country_gives_its_emergency_numbers(client):
    answer = client.get("/api/places/emergency-numbers?country=fr").get_json()
    assert answer == {"country": "FR", "numbers": ["15", "17", "18", "112"]}


def test_a_position_gives_the_numbers_of_the_country_it_is_in(client):
    tokyo = client.get("/api/places/emergency-numbers?lat=35.68&lon=139.76").get_json()
    assert tokyo == {"country": "JP", "numbers": ["110", "119"]}
    paris = client.get("/api/places/emergency-numbers?lat=48.86&lon=2.34").get_json()
    assert paris["country"] == "FR" and "112" in paris["numbers"]


def test_at_sea_there_is_no_country_and_no_number(client):
    answer = client.get("/api/places/emergency-numbers?lat=0&lon=-30").get_json()
    assert answer == {"country": None, "numbers": []}


def test_a_half_position_or_an_unknown_country_names_the_field(client):
    half = client.get("/api/places/emergency-numbers?lat=48.8")
    assert half.status_code == 422 and "lon" in half.get_json()["errors"]["query"]
    unknown = client.get("/api/places/emergency-numbers?country=XX")
    assert unknown.status_code == 422 and "country" in unknown.get_json()["errors"]["query"]
    assert client.get("/api/places/emergency-numbers?lat=99&lon=0").status_code == 422
