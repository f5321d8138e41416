"""Push devices: subscription checks, dedupe by endpoint, consented positions, VAPID key."""
from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select

from server import config
from server.broadcast import direct
from server.db import db
from server.devices.models import Device
from server.push import public_key_b64url
from tests.pushreceiver import make_subscription


def test_subscribe_then_resubscribe_moves_the_device_to_the_current_user(client, auth, receiver):
    other_client = auth.client()
    sub = make_subscription(receiver, "browser")
    auth.signup(client)
    body = {**sub.as_json(), "expirationTime": None, "language": "zh_Hant"}
    first = client.post("/api/devices", json=body, headers={"User-Agent": "Firefox/140"})
    assert first.status_code == 201, first.json
    assert first.json["language"] == "zh_Hant" and first.json["user_agent"] == "Firefox/140"
    assert client.post("/api/devices", json=body).status_code == 200
    other = auth.signup(other_client)
    padded = {k: v + "=" * (-len(v) % 4) for k, v in sub.as_json()["keys"].items()}
    moved = other_client.post("/api/devices", json={**sub.as_json(), "keys": padded})
    assert moved.status_code == 200 and moved.json["id"] == first.json["id"]
    owner = db.session.scalar(select(Device.user_id).where(Device.id == first.json["id"]))
    assert owner == other["id"]
    assert client.delete(f"/api/devices/{first.json['id']}").status_code == 404


def test_another_users_endpoint_without_its_keys_is_refused(client, auth, receiver):
    other_client = auth.client()
    sub = make_subscription(receiver, "browser")
    owner = auth.signup(client)
    client.patch("/api/me", json={"location_consent": True})
    first = client.post("/api/devices", json={**sub.as_json(), "language": "zh_Hant"}).json
    client.put(f"/api/devices/{first['id']}/position", json={"lat": 48.85, "lon": 2.35})
    auth.signup(other_client)
    impostor = make_subscription(receiver, "impostor")  # other keys, the owner's endpoint
    for keys in (impostor.as_json()["keys"], {**sub.as_json()["keys"], "auth": impostor.auth},
                 {**sub.as_json()["keys"], "p256dh": impostor.p256dh}):
        refused = other_client.post("/api/devices", json={"endpoint": sub.endpoint,
                                                          "keys": keys, "language": "ar"})
        assert refused.status_code == 409, refused.json
        assert sub.endpoint not in str(refused.json) and "zh_Hant" not in str(refused.json)
    device = db.session.scalars(select(Device)).one()
    assert (device.user_id, device.p256dh, device.auth, device.language, device.lat) == (
        owner["id"], sub.p256dh, sub.auth, "zh_Hant", 48.85)
    assert other_client.delete(f"/api/devices/{first['id']}").status_code == 404
    assert client.delete(f"/api/devices/{first['id']}").status_code == 204


def test_the_owner_may_re_register_with_new_keys(client, auth, receiver):
    sub = make_subscription(receiver, "browser")
    auth.signup(client)
    first = client.post("/api/devices", json=sub.as_json()).json
    rotated = make_subscription(receiver, "rotated")
    body = {"endpoint": sub.endpoint, "keys": rotated.as_json()["keys"], "language": "ar"}
    again = client.post("/api/devices", json=body)
    assert again.status_code == 200 and again.json["id"] == first["id"]
    assert again.json["language"] == "ar"
    assert db.session.scalar(select(Device.auth)) == rotated.auth


@pytest.mark.parametrize("change, path", [
    ({"endpoint": "ftp://push.example.com/x"}, ("endpoint",)),
    ({"endpoint": "not a url"}, ("endpoint",)),
    ({"keys": {"p256dh": "AAAA", "auth": "MDEyMzQ1Njc4OWFiY2RlZg"}}, ("keys", "p256dh")),
    ({"keys": {"p256dh": "BPx", "auth": "short"}}, ("keys", "p256dh")),
    ({"keys": {"auth": "MDEyMzQ1Njc4OWFiY2RlZg"}}, ("keys", "p256dh")),
    ({"language": "xx"}, ("language",)),
])
def test_malformed_subscription_is_refused_naming_the_field(client, auth, receiver, change, path):
    auth.signup(client)
    sub = make_subscription(receiver, "x").as_json()
    body = {**sub, **change}
    response = client.post("/api/devices", json=body)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert errors
    assert db.session.scalar(select(Device.id)) is None


def test_auth_secret_must_be_16_bytes(client, auth, receiver):
    auth.signup(client)
    sub = make_subscription(receiver, "x").as_json()
    sub["keys"]["auth"] = "MDEyMzQ1Njc4OWFi"  # 12 bytes
    response = client.post("/api/devices", json=sub)
    assert response.status_code == 422 and "auth" in response.json["errors"]["json"]["keys"]


@pytest.fixture
def production_push(app, monkeypatch):
    """The endpoint rules of a deployment: https, the known push services, port 443."""
    monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", False)
    monkeypatch.setitem(app.config, "PUSH_SERVICE_HOSTS", config.PUSH_SERVICE_HOSTS)
    monkeypatch.setitem(app.config, "PUSH_SERVICE_PORTS", ())


def test_only_https_push_services_outside_tests(client, auth, receiver, production_push):
    auth.signup(client)
    sub = make_subscription(receiver, "x").as_json()
    assert "endpoint" in client.post("/api/devices", json=sub).json["errors"]["json"]
    sub["endpoint"] = "https://evil.example.org/push"
    assert "endpoint" in client.post("/api/devices", json=sub).json["errors"]["json"]
    sub["endpoint"] = "https://fcm.googleapis.com/fcm/send/abc"
    assert client.post("/api/devices", json=sub).status_code == 201


def test_position_needs_consent_and_is_forgotten_when_consent_is_withdrawn(client, auth, receiver):
    auth.signup(client)
    device = client.post("/api/devices", json=make_subscription(receiver, "x").as_json()).json
    url = f"/api/devices/{device['id']}/position"
    fix = {"lat": 48.85, "lon": 2.35, "accuracy": 30}
    refused = client.put(url, json=fix)
    assert refused.status_code == 403 and "location" in refused.json["message"]
    client.patch("/api/me", json={"location_consent": True})
    stored = client.put(url, json=fix)
    assert stored.status_code == 200 and stored.json["lat"] == 48.85
    assert db.session.scalar(select(Device.position_country)) == "FR"
    assert client.put(url, json={"lat": 91, "lon": 0}).status_code == 422
    export = client.get("/api/me/export").json
    assert export["devices"][0]["lat"] == 48.85
    client.patch("/api/me", json={"location_consent": False})
    row = db.session.execute(select(Device.lat, Device.lon, Device.fix, Device.position_at,
                                    Device.position_country)).one()
    assert tuple(row) == (None, None, None, None, None)


def test_position_can_be_deleted(client, auth, receiver):
    auth.signup(client)
    client.patch("/api/me", json={"location_consent": True})
    device = client.post("/api/devices", json=make_subscription(receiver, "x").as_json()).json
    client.put(f"/api/devices/{device['id']}/position", json={"lat": 1.0, "lon": 2.0})
    assert client.delete(f"/api/devices/{device['id']}/position").status_code == 204
    assert db.session.scalar(select(Device.lat)) is None
    assert client.delete(f"/api/devices/{device['id']}").status_code == 204
    assert db.session.scalar(select(Device.id)) is None


def test_devices_need_sign_in(client):
    assert client.post("/api/devices", json={}).status_code == 401


def test_public_key_matches_the_private_key_kept_under_instance(app, client):
    response = client.get("/api/push/public-key")
    assert response.status_code == 200
    assert response.json["public_key"] == public_key_b64url(app.config["VAPID_PRIVATE_KEY"])
    result = app.test_cli_runner().invoke(args=["push", "keys"])
    assert result.exit_code == 0 and result.output.strip() == response.json["public_key"]


def test_vapid_key_is_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    first = config.from_environment(str(tmp_path))["VAPID_PRIVATE_KEY"]
    assert config.from_environment(str(tmp_path))["VAPID_PRIVATE_KEY"] == first
    assert stat.S_IMODE(os.stat(tmp_path / "vapid_private.pem").st_mode) == 0o600
    monkeypatch.setenv("VAPID_PRIVATE_KEY", "from-env")
    assert config.from_environment(str(tmp_path / "other"))["VAPID_PRIVATE_KEY"] == "from-env"
    assert not (tmp_path / "other" / "vapid_private.pem").exists()


def test_push_to_user_reaches_every_device_of_the_user(app, create_traveler, receiver):
    user, devices = create_traveler(devices=2)
    other, [(_, stranger)] = create_traveler()
    direct.send_to_person(user.id, "sos", {"case": "abc"})
    db.session.commit()  # pushes leave once the caller's transaction commits
    for _, name in devices:
        [message] = receiver.received(name)
        assert message.json == {"kind": "sos", "case": "abc"}
    assert receiver.received(stranger) == []


def test_a_429_or_5xx_on_a_push_to_one_person_is_retried_until_it_is_sent(
        app, create_traveler, receiver):
    user, [(_, name)] = create_traveler()
    receiver.script(name, [(429, {"Retry-After": "1"}), (503,)])
    direct.send_to_person(user.id, "sos", {"case": "abc"})
    db.session.commit()  # eager: the retries run at once instead of after their backoff
    [message] = receiver.received(name)
    assert message.json == {"kind": "sos", "case": "abc"}
    assert receiver.requests == 3


def test_a_push_to_one_person_gives_up_after_the_fan_outs_attempts(app, create_traveler, receiver):
    user, [(device, name)] = create_traveler()
    receiver.script(name, [(500,)] * (app.config["PUSH_MAX_ATTEMPTS"] + 3))
    direct.send_to_person(user.id, "sos", {"case": "abc"})
    db.session.commit()
    assert receiver.received(name) == []
    assert receiver.requests == app.config["PUSH_MAX_ATTEMPTS"]
    assert db.session.get(Device, device.id) is not None  # a failure is not "gone"


FCM = "https://fcm.googleapis.com"


@pytest.mark.parametrize("endpoint", [
    f"{FCM}:99999/x", f"{FCM}:-1/x", f"{FCM}:abc/x", f"{FCM}:/x", f"{FCM}:0443/x",
    f"{FCM}:22/x", f"{FCM}:8443/x",
    f"{FCM}/x\r\nHost: evil.example.org", f"{FCM}/x y", f"{FCM}/x\ty", f"{FCM}/x\x00",
    f"{FCM}/%zz", f"{FCM}/x#fragment", f"{FCM}/é", FCM,
    "https://127.0.0.1%2f.fcm.googleapis.com/x", "https://evil.example.org%2e.fcm.googleapis.com/x",
    "https://user@fcm.googleapis.com/x", "https://user:pw@fcm.googleapis.com/x",
    "https://fcm.googleapis.com@evil.example.org/x",
    "https://-a.fcm.googleapis.com/x", "https://a_b.fcm.googleapis.com/x",
    "https://fcm.googleapis.com./x", "https://[::1]/x", "https://fcm.googleapis.com℀/x",
    "HTTPS://fcm.googleapis.com.evil.example.org/x", f"{FCM}/" + "a" * 1100,
])
def test_endpoint_that_is_not_a_plain_push_service_url_is_refused(client, auth, receiver,
                                                                  production_push, endpoint):
    auth.signup(client)
    sub = {**make_subscription(receiver, "x").as_json(), "endpoint": endpoint}
    response = client.post("/api/devices", json=sub)
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]["json"]) == ["endpoint"]
    assert db.session.scalar(select(Device.id)) is None


@pytest.mark.parametrize("endpoint", [
    f"{FCM}/fcm/send/dXN:APA91b-_~.x%2F", f"{FCM}:443/fcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh",
    "https://web.push.apple.com/QGuH0Y4Mk-Fk", "HTTPS://FCM.googleapis.com/x",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAD%2bKc8i%3d&x=1",
])
def test_real_push_service_endpoints_are_accepted(client, auth, receiver, production_push,
                                                  endpoint):
    auth.signup(client)
    sub = {**make_subscription(receiver, "x").as_json(), "endpoint": endpoint}
    assert client.post("/api/devices", json=sub).status_code == 201


def test_port_allowed_only_when_configured(app, client, auth, receiver, monkeypatch):
    auth.signup(client)
    sub = make_subscription(receiver, "x").as_json()
    monkeypatch.setitem(app.config, "PUSH_SERVICE_PORTS", ())
    assert client.post("/api/devices", json=sub).status_code == 422
    monkeypatch.setitem(app.config, "PUSH_SERVICE_PORTS", (receiver.port,))
    assert client.post("/api/devices", json=sub).status_code == 201


def test_endpoint_that_urlsplit_cannot_normalize_is_422_not_500(client, auth, receiver):
    auth.signup(client)  # any host allowed (the tests' setting): the host is checked all the same
    sub = {**make_subscription(receiver, "x").as_json(), "endpoint": f"{FCM}℀/x"}
    response = client.post("/api/devices", json=sub)
    assert response.status_code == 422 and "endpoint" in response.json["errors"]["json"]
