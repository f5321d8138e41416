"""Unit behaviour of the push package: keys, VAPID cache, payload rules, status mapping."""

from __future__ import annotations

import base64
import os
from email.utils import formatdate

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.jwt import decode as jwt_decode

from server.push import (
    MAX_PAYLOAD,
    PushMessage,
    VapidSigner,
    check_fields,
    encrypt,
    generate_vapid_keypair,
    origin_of,
    public_key_b64url,
    topic_for,
    validate_subscription_keys,
)
from server.push.message import outcome_for
from server.push.vapid import split_endpoint
from server.sending import parse_retry_after

GOOD_P256DH = public_key_b64url(generate_vapid_keypair()[0])
GOOD_AUTH = base64.urlsafe_b64encode(b"0123456789abcdef").rstrip(b"=").decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _message(**overrides: object) -> PushMessage:
    fields: dict[str, object] = {
        "id": 1,
        "endpoint": "https://push.example.com/x",
        "p256dh": GOOD_P256DH,
        "auth": GOOD_AUTH,
        "payload": b"{}",
    }
    fields.update(overrides)
    return PushMessage(**fields)  # type: ignore[arg-type]


def test_generated_public_key_is_an_uncompressed_p256_point() -> None:
    pem, public = generate_vapid_keypair()
    point = base64.urlsafe_b64decode(public + "==")
    assert len(point) == 65 and point[0] == 4 and "=" not in public
    assert public_key_b64url(pem) == public


def test_split_endpoint_gives_origin_and_request_target() -> None:
    assert split_endpoint("https://Push.Example.com:443/wpush/v2/abc?x=1") == (
        "https://push.example.com", "/wpush/v2/abc?x=1")
    assert split_endpoint("http://[::1]:8080") == ("http://[::1]:8080", "/")


def test_origin_drops_path_and_default_port() -> None:
    assert origin_of("https://Push.Example.com:443/wpush/v2/abc") == "https://push.example.com"
    assert origin_of("http://127.0.0.1:8080/push/a") == "http://127.0.0.1:8080"
    with pytest.raises(ValueError):
        origin_of("ftp://example.com/x")


def test_signer_signs_once_per_origin_and_refreshes_near_expiry() -> None:
    now = [1_000_000.0]
    signer = VapidSigner(
        generate_vapid_keypair()[0], "mailto:ops@example.org", clock=lambda: now[0]
    )
    first = signer.authorization("https://fcm.googleapis.com/fcm/send/a")
    assert signer.authorization("https://fcm.googleapis.com/fcm/send/b") == first
    signer.authorization("https://updates.push.services.mozilla.com/wpush/v2/c")
    assert signer.sign_count == 2
    now[0] += 10 * 3600  # still more than an hour left
    assert signer.authorization("https://fcm.googleapis.com/x") == first
    now[0] += 1.5 * 3600  # within the last hour: re-sign
    assert signer.authorization("https://fcm.googleapis.com/x") != first
    assert signer.sign_count == 3


def test_authorization_header_carries_verifiable_claims() -> None:
    signer = VapidSigner(generate_vapid_keypair()[0], "mailto:ops@example.org")
    header = signer.authorization("https://push.example.com/abc")
    token, key = header.removeprefix("vapid t=").split(", k=")
    claims = jwt_decode(token, key)
    assert claims["aud"] == "https://push.example.com"
    assert claims["sub"] == "mailto:ops@example.org"
    assert key == signer.public_key


def test_signer_rejects_a_subject_that_is_not_mailto_or_https() -> None:
    with pytest.raises(ValueError):
        VapidSigner(generate_vapid_keypair()[0], "ops@example.org")


def test_valid_keys_have_no_problems() -> None:
    assert validate_subscription_keys(GOOD_P256DH, GOOD_AUTH) == []


@pytest.mark.parametrize(
    ("p256dh", "auth", "problems"),
    [
        (_b64(b"\x04" + b"\x00" * 64), GOOD_AUTH, ["p256dh_invalid"]),  # not on the curve
        (_b64(b"\x04" * 33), GOOD_AUTH, ["p256dh_invalid"]),  # compressed-length
        ("not base64!", GOOD_AUTH, ["p256dh_invalid"]),
        (GOOD_P256DH, _b64(b"x" * 15), ["auth_invalid"]),
        (GOOD_P256DH, GOOD_AUTH[:4] + "!" + GOOD_AUTH[4:], ["auth_invalid"]),
        (None, 16, ["p256dh_invalid", "auth_invalid"]),
    ],
    # Named, not by value: GOOD_P256DH is a new key each run (pytest-xdist's workers must
    # collect the same ids).
    ids=["off-curve", "compressed-length", "not-base64", "short-auth", "auth-not-base64",
         "wrong-types"],
)
def test_malformed_keys_yield_problem_codes(p256dh, auth, problems) -> None:
    assert validate_subscription_keys(p256dh, auth) == problems


def test_largest_payload_fits_in_4096_bytes() -> None:
    assert len(encrypt(b"x" * MAX_PAYLOAD, GOOD_P256DH, GOOD_AUTH)) == 4096


@pytest.mark.parametrize("size", [0, 1, 300, MAX_PAYLOAD])
def test_encryption_is_rfc8291_as_http_ece_reads_it(size) -> None:
    receiver = ec.generate_private_key(ec.SECP256R1())
    point = receiver.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    secret, payload = os.urandom(16), os.urandom(size)
    body = encrypt(payload, _b64(point), _b64(secret))
    decrypted = http_ece.decrypt(
        body, private_key=receiver, auth_secret=secret, version="aes128gcm"
    )
    assert decrypted == payload
    assert body[16:20] == (4096).to_bytes(4, "big") and body[20] == 65  # rs, keyid length
    assert encrypt(payload, _b64(point), _b64(secret))[:16] != body[:16]  # a fresh salt each


def test_unchecked_message_equals_a_checked_one_and_shared_fields_are_checked() -> None:
    checked = _message(ttl=60, urgency="high", topic="t1")
    unchecked = PushMessage.unchecked(
        1, checked.endpoint, GOOD_P256DH, GOOD_AUTH, b"{}", 60, "high", "t1"
    )
    assert unchecked == checked
    check_fields(b"{}", 60, "high", None)
    for bad in [(b"x" * (MAX_PAYLOAD + 1), 60, "high", None), (b"{}", -1, "high", None),
                (b"{}", 60, "urgent", None), (b"{}", 60, "high", "has space")]:
        with pytest.raises(ValueError):
            check_fields(*bad)
    with pytest.raises(TypeError):
        check_fields("text", 60, "high", None)


def test_oversized_payload_is_refused() -> None:
    _message(payload=b"x" * MAX_PAYLOAD)
    with pytest.raises(ValueError):
        _message(payload=b"x" * (MAX_PAYLOAD + 1))


@pytest.mark.parametrize(
    "overrides",
    [
        {"topic": "has space"},
        {"topic": "x" * 33},
        {"urgency": "urgent"},
        {"ttl": -1},
        {"endpoint": "mailto:x@example.com"},
    ],
)
def test_invalid_message_fields_are_refused(overrides) -> None:
    with pytest.raises(ValueError):
        _message(**overrides)


def test_topic_for_makes_a_valid_topic_from_any_key() -> None:
    topic = topic_for("alert:42 / Kyiv evacuation")
    assert len(topic) == 32
    assert _message(topic=topic).topic == topic


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(formatdate(1_000_060, usegmt=True), now=1_000_000) == 60.0
    assert parse_retry_after(formatdate(999_000, usegmt=True), now=1_000_000) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "sent"),
        (201, "sent"),
        (202, "sent"),
        (404, "gone"),
        (410, "gone"),
        (400, "failed"),
        (403, "failed"),
        (413, "failed"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
    ],
)
def test_status_maps_to_outcome(status, outcome) -> None:
    assert outcome_for(status) == outcome
