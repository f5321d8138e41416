"""The Kannel client against a local stand-in for smsbox (no app): outcomes per answer, retries,
one bad message failing alone, kept-alive connections, the token bucket."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from server.sms.gateway import KannelGateway, SmsOut, TokenBucket


class Smsbox(ThreadingHTTPServer):
    """Answers each request with the next scripted (status, body), then 202."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[tuple[int, str]] = []
        self.requests: list[dict] = []
        self.connections = set()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://compatriot:s%40cret@127.0.0.1:{self.server_address[1]}/cgi-bin/sendsms"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as smsbox

    def do_GET(self):  # noqa: N802
        server = self.server
        assert self.path.startswith("/cgi-bin/sendsms?")  # origin-form, as smsbox needs
        server.connections.add(self.client_address)
        server.requests.append({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})
        status, body = server.script.pop(0) if server.script else (202, "0: Accepted for delivery")
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def smsbox():
    server = Smsbox()
    yield server
    server.shutdown()
    server.server_close()


def _gateway(url, **kwargs):
    return KannelGateway(url, rate=1000, backoff=0, sleep=lambda s: None, **kwargs)


def test_accepted_messages_are_sent_with_credentials_coding_and_a_delivery_report(smsbox):
    results = _gateway(smsbox.url, sender="12308").send([
        SmsOut(1, "+33612345678", "Are you safe? {1}", "http://app/dlr?id=1&status=%d"),
        SmsOut(2, "+8613800138000", "您安全吗？")])
    assert [(r.id, r.outcome, r.status) for r in results] == [(1, "sent", 202), (2, "sent", 202)]
    gsm, ucs2 = smsbox.requests
    assert (gsm["username"], gsm["password"], gsm["from"]) == ("compatriot", "s@cret", "12308")
    assert "coding" not in gsm and gsm["text"] == "Are you safe? {1}"
    assert (gsm["dlr-mask"], gsm["dlr-url"]) == ("27", "http://app/dlr?id=1&status=%d")
    assert (ucs2["coding"], ucs2["charset"], ucs2["text"]) == ("2", "UTF-8", "您安全吗？")
    assert len(smsbox.connections) == 1  # one kept-alive connection for the batch


def test_a_temporary_refusal_is_tried_again_then_given_back_as_retry(smsbox):
    smsbox.script = [(503, "Temporal failure, try again later."), (202, "0: Accepted")]
    assert _gateway(smsbox.url).send([SmsOut(1, "+33612345678", "hi")])[0].outcome == "sent"
    smsbox.script = [(503, "Temporal failure")] * 3
    result = _gateway(smsbox.url).send([SmsOut(2, "+33612345678", "hi")])[0]
    assert (result.outcome, result.status, result.error) == ("retry", 503, "Temporal failure")


def test_a_permanent_refusal_fails_alone_with_its_status_and_reason(smsbox):
    smsbox.script = [(202, "0: Accepted"), (403, "Authorization failed for sendsms")]
    results = _gateway(smsbox.url, attempts=1).send(
        [SmsOut(i, "+33612345678", "hi") for i in (1, 2, 3)])
    assert [r.outcome for r in results] == ["sent", "failed", "sent"]
    assert (results[1].status, results[1].error) == (403, "Authorization failed for sendsms")


def test_an_unreachable_gateway_gives_retry_for_the_whole_batch_at_once(smsbox):
    url = smsbox.url
    smsbox.shutdown()
    smsbox.server_close()
    results = _gateway(url).send([SmsOut(i, "+33612345678", "hi") for i in (1, 2, 3)])
    assert [(r.outcome, r.status) for r in results] == [("retry", None)] * 3
    assert results[2].error == "gateway unreachable"


def test_the_token_bucket_holds_the_rate():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    bucket = TokenBucket(10, burst=1, clock=lambda: now[0], sleep=sleep)
    for _ in range(21):
        bucket.take()
    assert now[0] == pytest.approx(2.0)  # 20 waits of 1/10 s after the first token
