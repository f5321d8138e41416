"""How PushSender reports push-service failures: gone, retry (with Retry-After), failed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.utils import formatdate
from time import time

import pytest

from server.push import PushMessage, PushSender, VapidSigner, generate_vapid_keypair
from tests.pushreceiver import PushReceiver, TestSubscription, make_subscription

SUBJECT = "https://compatriot.example.org/contact"


@pytest.fixture(scope="module")
def signer() -> VapidSigner:
    return VapidSigner(generate_vapid_keypair()[0], SUBJECT)


@pytest.fixture(scope="module")
def receiver(signer: VapidSigner) -> Iterator[PushReceiver]:
    with PushReceiver(signer.public_key, SUBJECT) as rx:
        yield rx


@pytest.fixture(scope="module")
def sender(signer: VapidSigner) -> Iterator[PushSender]:
    with PushSender(signer, timeout=0.5) as tx:
        yield tx


def message(sub: TestSubscription, n: int = 0) -> PushMessage:
    return PushMessage(n, sub.endpoint, sub.p256dh, sub.auth, b'{"alert": 1}', ttl=60)


@pytest.mark.parametrize(
    ("scripted", "status", "outcome"),
    [
        ((410,), 410, "gone"),
        ((404,), 404, "gone"),
        ((500,), 500, "retry"),
        ((503,), 503, "retry"),
        ((413,), 413, "failed"),
        ((400,), 400, "failed"),
        ((403,), 403, "failed"),
        (("timeout", 3), None, "retry"),
    ],
)
def test_push_service_answer_maps_to_outcome(receiver, sender, scripted, status, outcome) -> None:
    name = f"fault-{scripted[0]}"
    sub = make_subscription(receiver, name)
    receiver.script(name, [scripted])
    [result] = sender.send([message(sub)])
    assert (result.status, result.outcome) == (status, outcome)
    assert result.error
    assert receiver.received(name) == []


def test_429_reports_retry_after_in_seconds(receiver, sender) -> None:
    sub = make_subscription(receiver, "throttled")
    later = formatdate(time() + 120, usegmt=True)
    receiver.script("throttled", [(429, {"Retry-After": "1"}), (429, {"Retry-After": later})])
    first, second = sender.send([message(sub, 1)]), sender.send([message(sub, 2)])
    assert (first[0].outcome, first[0].retry_after) == ("retry", 1.0)
    assert second[0].outcome == "retry" and 110 < (second[0].retry_after or 0) <= 120


def test_script_is_consumed_then_delivery_resumes(receiver, sender) -> None:
    sub = make_subscription(receiver, "flaky")
    receiver.script("flaky", [(500,), (503,)])
    outcomes = [sender.send([message(sub, i)])[0].outcome for i in range(3)]
    assert outcomes == ["retry", "retry", "sent"]
    assert len(receiver.received("flaky")) == 1


def test_unknown_subscription_is_gone(receiver, sender) -> None:
    sub = make_subscription(receiver, "known")
    lost = PushMessage(1, sub.endpoint.replace("known", "unknown"), sub.p256dh, sub.auth, b"x")
    [result] = sender.send([lost])
    assert (result.status, result.outcome) == (404, "gone")


def test_refused_connection_is_retried(signer) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with PushReceiver() as rx:
        sub = make_subscription(rx, "closed")
    endpoint = f"http://127.0.0.1:{port}/push/closed"
    with PushSender(signer) as tx:
        [result] = tx.send([PushMessage(1, endpoint, sub.p256dh, sub.auth, b"x")])
    assert (result.status, result.outcome) == (None, "retry")


def test_fail_ratio_answers_a_share_of_requests(signer) -> None:
    with PushReceiver(signer.public_key) as rx, PushSender(signer) as tx:
        sub = make_subscription(rx, "lossy")
        rx.fail_ratio(503, 0.3, seed=7)
        results = tx.send(message(sub, i) for i in range(200))
    retried = sum(r.outcome == "retry" for r in results)
    assert 30 < retried < 90
    assert rx.count == 200 - retried and rx.rejections == []


def test_a_message_that_cannot_be_sent_fails_alone(receiver, sender, monkeypatch) -> None:
    from server.push import sender as sender_module

    subs = [make_subscription(receiver, f"batchmate-{i}") for i in range(5)]
    ok = [message(sub, i) for i, sub in enumerate(subs[:3])]
    bad_port = PushMessage.unchecked("port", "http://127.0.0.1:99999/push/batchmate-0",
                                     subs[0].p256dh, subs[0].auth, b"x", 60, "normal", None)
    bad_key = PushMessage.unchecked("key", subs[3].endpoint, "BAAA" + "A" * 83, subs[3].auth,
                                    b"x", 60, "normal", None)
    raising = message(subs[4], "raises")
    encrypt = sender_module.encrypt

    def encrypt_or_raise(payload, p256dh, auth):
        if p256dh == subs[4].p256dh:
            raise RuntimeError("boom")
        return encrypt(payload, p256dh, auth)

    monkeypatch.setattr(sender_module, "encrypt", encrypt_or_raise)
    results = sender.send([bad_port, *ok[:2], bad_key, raising, ok[2]])
    assert [r.id for r in results] == ["port", 0, 1, "key", "raises", 2]
    by_id = {r.id: r for r in results}
    assert [by_id[i].outcome for i in (0, 1, 2)] == ["sent"] * 3
    assert by_id["port"].outcome == "failed" and by_id["port"].error.startswith("endpoint: ")
    assert by_id["key"].outcome == "failed" and by_id["key"].error.startswith("encryption: ")
    assert by_id["raises"].outcome == "failed"
    assert by_id["raises"].error == "send: RuntimeError: boom"
    assert [len(receiver.received(sub.name)) for sub in subs] == [1, 1, 1, 0, 0]


def test_no_rejections_across_the_fault_suite(receiver) -> None:
    assert receiver.rejections == []
