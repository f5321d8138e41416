"""The Host header is not trusted: absolute URLs come from the configured public URL, and a
request for a host the app does not serve is refused in the one error shape."""
import pytest

from server import config
from server.web.urls import public_url, public_url_for


@pytest.mark.parametrize("path", ["/api/alerts/feed.atom", "/api/config", "/"])
def test_an_unknown_host_is_a_400_in_the_error_shape(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json["code"] == 400 and response.json["message"]
    assert b"evil.example" not in response.data


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:54321"])
def test_the_machine_itself_is_served_on_any_port(client, host):
    assert client.get("/api/config", headers={"Host": host}).status_code == 200


def test_the_public_host_is_trusted_and_more_can_be_added(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPATRIOT_PUBLIC_URL", "https://consular.example.gov/")
    monkeypatch.delenv("COMPATRIOT_TRUSTED_HOSTS", raising=False)
    cfg = config.from_environment(str(tmp_path))
    assert cfg["PUBLIC_URL"] == "https://consular.example.gov"
    assert cfg["TRUSTED_HOSTS"] == ("consular.example.gov", "localhost", "127.0.0.1")
    monkeypatch.setenv("COMPATRIOT_TRUSTED_HOSTS", "10.0.0.7, .internal.example")
    assert config.from_environment(str(tmp_path))["TRUSTED_HOSTS"] == (
        "consular.example.gov", "10.0.0.7", ".internal.example")


def test_the_embedded_default_is_the_local_server(tmp_path, monkeypatch):
    monkeypatch.delenv("COMPATRIOT_PUBLIC_URL", raising=False)
    assert config.from_environment(str(tmp_path))["PUBLIC_URL"] == "http://127.0.0.1:5000"


def test_public_urls_are_built_outside_a_request_too(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://consular.example.gov/")
    with app.app_context():  # as a task writing an email would
        assert public_url("/#/alerts/5") == "https://consular.example.gov/#/alerts/5"
        assert public_url_for("alerts.AlertCap", alert_id=7) == (
            "https://consular.example.gov/api/alerts/7.cap")
