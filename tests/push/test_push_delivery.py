"""PushSender and naive_send against the local push receiver: delivery, VAPID, pooling, TLS."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from server.push import PushMessage, PushSender, VapidSigner, generate_vapid_keypair, naive_send
from tests.pushreceiver import PushReceiver, TestSubscription, make_subscription

SUBJECT = "mailto:consular-ops@example.org"


@pytest.fixture(scope="module")
def vapid_pem() -> str:
    return generate_vapid_keypair()[0]


@pytest.fixture
def signer(vapid_pem: str) -> VapidSigner:
    return VapidSigner(vapid_pem, SUBJECT)


@pytest.fixture
def receiver(signer: VapidSigner) -> Iterator[PushReceiver]:
    with PushReceiver(expected_vapid_public_key=signer.public_key, subject=SUBJECT) as rx:
        yield rx


@pytest.fixture
def sender(signer: VapidSigner) -> Iterator[PushSender]:
    with PushSender(signer, concurrency_per_origin=8, timeout=5.0) as tx:
        yield tx


def message(sub: TestSubscription, n: int = 0, **extra: object) -> PushMessage:
    body = json.dumps({"alert": n, "title": "Shelter in place"}).encode()
    fields: dict[str, object] = {"ttl": 3600, "urgency": "high"} | extra
    return PushMessage(n, sub.endpoint, sub.p256dh, sub.auth, body, **fields)  # type: ignore[arg-type]


def test_payload_arrives_decrypted_with_push_headers(receiver, sender) -> None:
    sub = make_subscription(receiver, "traveler-1")
    [result] = sender.send([message(sub, 7, topic="alert-7")])
    assert (result.id, result.status, result.outcome) == (7, 201, "sent")
    [got] = receiver.received("traveler-1")
    assert got.json == {"alert": 7, "title": "Shelter in place"}
    assert got.headers["ttl"] == "3600"
    assert got.headers["urgency"] == "high"
    assert got.headers["topic"] == "alert-7"
    assert got.headers["content-encoding"] == "aes128gcm"
    assert got.headers["content-type"] == "application/octet-stream"
    assert receiver.rejections == []


def test_jwt_is_signed_once_for_many_messages_to_one_origin(receiver, sender, signer) -> None:
    subs = [make_subscription(receiver, f"t{i}") for i in range(10)]
    results = sender.send(message(subs[i % 10], i) for i in range(100))
    assert {r.outcome for r in results} == {"sent"}
    assert [r.id for r in results] == list(range(100))
    assert signer.sign_count == 1
    assert len(receiver.tokens) == 1
    assert receiver.count == 100 and receiver.rejections == []


def test_each_origin_gets_its_own_jwt(signer, sender) -> None:
    with PushReceiver(signer.public_key, SUBJECT) as a, PushReceiver(signer.public_key) as b:
        subs = [make_subscription(a, "x"), make_subscription(b, "y")]
        results = sender.send(message(subs[i % 2], i) for i in range(20))
        assert {r.outcome for r in results} == {"sent"}
        assert signer.sign_count == 2
        assert (a.count, b.count) == (10, 10)
        assert a.rejections == b.rejections == []


def test_connections_are_reused_within_and_across_sends(receiver, sender) -> None:
    sub = make_subscription(receiver, "pool")
    for batch in range(3):
        results = sender.send(message(sub, batch * 1000 + i) for i in range(200))
        assert {r.outcome for r in results} == {"sent"}
    assert receiver.count == 600
    assert receiver.connections <= 8  # concurrency_per_origin, not one per message


def test_sender_can_send_again_after_close(receiver, signer) -> None:
    sub = make_subscription(receiver, "reopen")
    sender = PushSender(signer)
    assert sender.send([message(sub)])[0].outcome == "sent"
    sender.close()
    assert sender.send([message(sub)])[0].outcome == "sent"
    sender.close()
    sender.close()


def test_wrong_vapid_key_is_rejected_by_the_receiver(receiver) -> None:
    sub = make_subscription(receiver, "strict")
    other = VapidSigner(generate_vapid_keypair()[0], SUBJECT)
    with PushSender(other) as tx:
        [result] = tx.send([message(sub)])
    assert (result.status, result.outcome) == (401, "failed")
    assert [r.reason for r in receiver.rejections] == ["vapid_key_mismatch"]


def test_unusable_subscription_keys_fail_without_a_request(receiver, sender) -> None:
    sub = make_subscription(receiver, "broken")
    bad = PushMessage(1, sub.endpoint, sub.p256dh, "AAAA", b"{}")
    [result] = sender.send([bad])
    assert result.outcome == "failed" and result.status is None
    assert "encryption" in (result.error or "")
    assert receiver.requests == 0


def test_tls_receiver_with_verification_off_or_its_ca(signer) -> None:
    with PushReceiver(signer.public_key, tls=True) as rx:
        sub = make_subscription(rx, "secure")
        assert sub.endpoint.startswith("https://")
        with PushSender(signer, verify_tls=False) as tx:
            assert tx.send([message(sub, 1)])[0].outcome == "sent"
        with PushSender(signer, verify_tls=rx.ca_file) as tx:
            assert tx.send([message(sub, 2)])[0].outcome == "sent"
        with PushSender(signer) as tx:  # system CAs do not trust the test certificate
            [result] = tx.send([message(sub, 3)])
        assert result.outcome == "retry" and result.status is None
        assert [r.json["alert"] for r in rx.received("secure")] == [1, 2]
        assert rx.rejections == []


def test_naive_send_delivers_through_pywebpush(receiver, vapid_pem) -> None:
    sub = make_subscription(receiver, "naive")
    result = naive_send(message(sub, 5, topic="t5"), vapid_pem, SUBJECT)
    assert (result.status, result.outcome) == (201, "sent")
    [got] = receiver.received("naive")
    assert got.json["alert"] == 5
    assert got.headers["ttl"] == "3600" and got.headers["topic"] == "t5"
    assert receiver.rejections == []


def test_naive_send_maps_failures_like_the_pooled_sender(receiver, vapid_pem) -> None:
    sub = make_subscription(receiver, "naive-faults")
    receiver.script("naive-faults", [(410,), (429, {"Retry-After": "3"}), ("timeout", 2)])
    outcomes = [naive_send(message(sub, i), vapid_pem, SUBJECT, timeout=0.5) for i in range(3)]
    assert [(r.status, r.outcome) for r in outcomes] == [
        (410, "gone"),
        (429, "retry"),
        (None, "retry"),
    ]
    assert outcomes[1].retry_after == 3.0
