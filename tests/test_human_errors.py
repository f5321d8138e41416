"""Issue 20, point 5: every field a traveler fills says in plain words what to do, in their
language, and the API keeps a machine-readable code beside each message."""
import pytest

from tests.conftest import leg, trip_body


def test_an_empty_signup_says_what_to_enter_with_codes(client):
    response = client.post("/api/auth/signup", json={
        "email": "", "password": "correct horse battery", "name": " ", "phone": ""})
    body = response.json
    assert response.status_code == 422
    assert body["errors"]["json"]["name"] == ["Enter your name."]
    assert body["errors"]["json"]["phone"] == ["Enter a phone number."]
    assert body["errors"]["json"]["email"] == ["Enter an email address such as name@example.org."]
    assert body["error_codes"]["json"] == {"name": ["required"], "phone": ["required"],
                                           "email": ["invalid_email"]}


def test_a_trip_without_a_country_says_choose_a_country(client, auth):
    auth.signup(client)
    body = trip_body(leg(country=""), leg(country="ZZ"), emergency_contact={"phone": "12"})
    del body["legs"][0]["start_date"]
    answer = client.post("/api/trips", json=body).json
    legs = answer["errors"]["json"]["legs"]
    assert legs["0"]["country"] == ["Choose a country."]
    assert legs["0"]["start_date"] == ["Choose a date."]
    assert legs["1"]["country"] == ["Choose a country from the list."]
    contact = answer["errors"]["json"]["emergency_contact"]
    assert contact["name"] == ["Enter their name."]
    assert contact["phone"][0].startswith("This is not a phone number we can call.")
    codes = answer["error_codes"]["json"]
    assert codes["legs"]["0"] == {"country": ["required"], "start_date": ["required"]}
    assert codes["legs"]["1"] == {"country": ["unknown_country"]}
    assert codes["emergency_contact"] == {"name": ["required"], "phone": ["invalid_phone"]}


@pytest.mark.parametrize("language", ["ar", "zh-Hans", "zh-Hant"])
def test_the_messages_are_translated(client, auth, language):
    auth.signup(client, language=language.replace("-", "_"))  # a traveler's own language wins
    answer = client.post("/api/trips", json=trip_body(leg(country=""))).json
    [message] = answer["errors"]["json"]["legs"]["0"]["country"]
    assert message and message != "Choose a country."
    assert answer["error_codes"]["json"]["legs"]["0"]["country"] == ["required"]


def test_an_unknown_field_has_its_code(client):
    answer = client.post("/api/auth/login", json={"email": "a@b.c", "password": "x", "pin": 1}).json
    assert answer["error_codes"]["json"]["pin"] == ["unknown_field"]
