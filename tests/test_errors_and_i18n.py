"""The one error shape, its localization, body limits, and locale selection."""
import pytest


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.is_json and response.json["code"] == 404 and response.json["message"]


def test_non_json_body_is_refused_cleanly(client):
    response = client.post("/api/auth/login", data="email=x", content_type="text/plain")
    assert response.status_code in (415, 422)
    assert response.is_json


def test_malformed_json_is_a_400(client):
    response = client.post("/api/auth/login", data="{not json",
                           content_type="application/json")
    assert response.status_code == 400 and response.is_json


def test_oversized_body_is_a_413(client):
    response = client.post("/api/auth/login", json={"email": "x" * 300_000, "password": "y"})
    assert response.status_code == 413 and response.is_json


@pytest.mark.parametrize("accept, expected", [
    ("zh-CN,zh;q=0.9", "请登录。"),
    ("zh-TW", "請登入。"),
    ("ar-EG,ar;q=0.9", "يرجى تسجيل الدخول."),
    ("fr-FR,en;q=0.5", "Please sign in."),
])
def test_errors_follow_accept_language(client, accept, expected):
    response = client.get("/api/me", headers={"Accept-Language": accept})
    assert response.status_code == 401
    assert response.json["message"] == expected


def test_field_errors_are_localized_for_the_users_language(client, auth):
    auth.signup(client, language="zh_Hans")
    response = client.post("/api/trips", json={"purpose": "tourism"})
    assert response.status_code == 422
    assert response.json["errors"]["json"]["legs"] == ["缺少必填字段。"]


def test_catalogs_are_complete_for_every_language(client):
    english = client.get("/api/i18n/en.json").json["messages"]
    for locale in ("zh_Hans", "zh_Hant", "ar"):
        catalog = client.get(f"/api/i18n/{locale}.json").json
        assert set(catalog["messages"]) >= set(english) - {""}, locale
        assert catalog["dir"] == ("rtl" if locale == "ar" else "ltr")


def test_plural_messages_are_served_with_each_count_s_form(client):
    """The apps cannot evaluate the catalog's plural rule (CSP: no eval): each language sends
    its forms and the form of every n below 200, and all forms are translated."""
    english = client.get("/api/i18n/en.json").json
    assert english["plurals"]["{count} traveler"] == ["{count} traveler", "{count} travelers"]
    assert english["plural_index"][:3] == [1, 0, 1]
    arabic = client.get("/api/i18n/ar.json").json
    forms = arabic["plurals"]["{count} traveler"]
    assert len(forms) == 6 and all(forms)
    index = arabic["plural_index"]
    assert len(index) == 200
    assert [index[n] for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103)] == [
        0, 1, 2, 3, 3, 5, 5, 4, 4, 3]
    for locale in ("zh_Hans", "zh_Hant"):
        catalog = client.get(f"/api/i18n/{locale}.json").json
        assert set(catalog["plurals"]) >= set(english["plurals"]), locale
        assert set(catalog["plural_index"]) == {0}


def test_unknown_catalog_is_404(client):
    assert client.get("/api/i18n/xx.json").status_code == 404


def test_public_config_carries_the_ministry_identity(client):
    config = client.get("/api/config").json
    assert config["home_country"] == "CN"
    assert config["hotline"] == "+86 10 12308"
    assert [lang["code"] for lang in config["languages"]] == ["en", "zh_Hans", "zh_Hant", "ar"]


def test_openapi_document_lists_the_api(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/auth/signup", "/api/trips", "/api/trips/{trip_id}", "/api/embassies",
                 "/api/embassies/serving", "/api/me/export"):
        assert path in spec["paths"], path


def test_places_are_localized(client):
    countries = client.get("/api/places/countries", headers={"Accept-Language": "zh-CN"}).json
    assert {"code": "FR", "name": "法国"} in countries
    subs = client.get("/api/places/countries/us/subdivisions?lang=zh_Hant").json
    assert any(s["code"] == "US-CA" and s["name"] == "加利福尼亞" for s in subs)
    assert client.get("/api/places/countries/QQ/subdivisions").status_code == 404
