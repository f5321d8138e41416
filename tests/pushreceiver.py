"""A local RFC 8030 push service for tests and benchmarks.

It checks what a real push service checks (VAPID JWT, TTL, aes128gcm body size), then
decrypts with the subscription's private key like a browser would, so a test can assert
on the plaintext. Faults (5xx, 429, 410, timeouts) can be scripted per subscription.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import os
import random
import re
import ssl
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import http_ece
from aiohttp import web
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from py_vapid.jwt import decode as jwt_decode

Fault = tuple[Any, ...]
_TOPIC_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_URGENCIES = {"very-low", "low", "normal", "high"}


def _ephemeral_ports() -> range:
    """The ports the kernel picks from for a socket bound to port 0, as the receiver's is."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
    except (OSError, ValueError):  # not Linux: IANA's dynamic range (macOS, BSD)
        low, high = 49152, 65535
    return range(low, high + 1)


# What test apps allow an endpoint's port to be (PUSH_SERVICE_PORTS): wherever a receiver
# lands, while the well-known ports (22, 8080...) stay refused as in production.
RECEIVER_PORTS = _ephemeral_ports()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class TestSubscription:
    """A browser-side subscription: endpoint plus the keys only the browser holds."""

    __test__ = False  # not a pytest test class

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return _b64url(point)

    @property
    def auth(self) -> str:
        return _b64url(self.auth_secret)

    def as_json(self) -> dict[str, Any]:
        """The PushSubscription JSON a browser would post to the API."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass(frozen=True)
class Received:
    """One accepted push: lower-cased request headers and the decrypted payload."""

    name: str
    headers: dict[str, str]
    payload: bytes
    json: Any | None


@dataclass(frozen=True)
class Rejection:
    """A request the receiver refused because it was malformed (not a scripted fault)."""

    name: str
    status: int
    reason: str


class _Reject(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def make_subscription(receiver: PushReceiver, name: str) -> TestSubscription:
    """Create a subscription with fresh keys on this receiver (endpoint /push/<name>)."""
    sub = TestSubscription(
        name=name,
        endpoint=f"{receiver.origin}/push/{name}",
        private_key=ec.generate_private_key(ec.SECP256R1()),
    )
    receiver.register(sub)
    return sub


def _self_signed(directory: str) -> tuple[str, str]:
    """Write a self-signed certificate for 127.0.0.1/localhost; return (cert, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "compatriot test push")])
    now = datetime.now(UTC)
    san = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


class PushReceiver:
    """Push service on 127.0.0.1 (random port) in a background thread; use as a context manager."""

    def __init__(
        self,
        expected_vapid_public_key: str | None = None,
        subject: str | None = None,
        *,
        tls: bool = False,
    ) -> None:
        self.expected_vapid_public_key = expected_vapid_public_key
        self.subject = subject
        self.tls = tls
        self.ca_file: str | None = None
        self.port = 0
        self.rejections: list[Rejection] = []
        self.requests = 0
        self.tokens: set[str] = set()
        self._received: list[Received] = []
        self._subs: dict[str, TestSubscription] = {}
        self._scripts: dict[str, deque[Fault]] = {}
        self._fail: tuple[int, float, random.Random] | None = None
        self._peers: set[Any] = set()
        self._verified: dict[tuple[str, str], dict[str, Any]] = {}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> PushReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> PushReceiver:
        """Start serving; returns once the port is bound."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._startup(), self._loop).result(10)
        return self

    def stop(self) -> None:
        """Stop serving and release the port and temporary certificate files."""
        if self._loop is None or self._thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._loop = self._thread = self._runner = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def _startup(self) -> None:
        context = None
        if self.tls:
            self._tmp = tempfile.TemporaryDirectory(prefix="pushreceiver-")
            self.ca_file, key_file = _self_signed(self._tmp.name)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.ca_file, key_file)
        app = web.Application()
        app.router.add_post("/push/{name}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self.port = self._runner.addresses[0][1]

    # -- configuration and inspection -------------------------------------------------------

    def register(self, subscription: TestSubscription) -> None:
        self._subs[subscription.name] = subscription

    def script(self, name: str, responses: list[Fault]) -> None:
        """Answer the next requests for `name` with these, in order, then fall back to 201.

        Each item is (status,), (status, headers) or ("timeout", seconds).
        """
        self._scripts.setdefault(name, deque()).extend(responses)

    def fail_ratio(self, status: int, ratio: float, seed: int = 0) -> None:
        """Answer about `ratio` of unscripted, valid requests with `status` (seeded)."""
        self._fail = (status, ratio, random.Random(seed))

    def received(self, name: str | None = None) -> list[Received]:
        return [r for r in self._received if name is None or r.name == name]

    @property
    def count(self) -> int:
        return len(self._received)

    @property
    def connections(self) -> int:
        """Distinct client connections seen (keep-alive makes this far below request count)."""
        return len(self._peers)

    # -- request handling -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        self._peers.add(request.transport.get_extra_info("peername") if request.transport else None)
        name = request.match_info["name"]
        sub = self._subs.get(name)
        if sub is None:
            return web.Response(status=404)
        body = await request.read()
        try:
            self._check(request, body)
            payload = http_ece.decrypt(
                body,
                private_key=sub.private_key,
                auth_secret=sub.auth_secret,
                version="aes128gcm",
            )
        except _Reject as exc:
            self.rejections.append(Rejection(name, exc.status, exc.reason))
            return web.Response(status=exc.status, text=exc.reason)
        except Exception as exc:  # http_ece raises several types on a bad body
            self.rejections.append(Rejection(name, 400, f"decrypt: {exc}"))
            return web.Response(status=400, text="decryption failed")
        fault = self._next_fault(name)
        if fault is not None:
            return await self._fault_response(fault)
        headers = {k.lower(): v for k, v in request.headers.items()}
        self._received.append(Received(name, headers, payload, _json_or_none(payload)))
        return web.Response(status=201, headers={"Location": f"{self.origin}/msg/{self.requests}"})

    def _next_fault(self, name: str) -> Fault | None:
        queue = self._scripts.get(name)
        if queue:
            return queue.popleft()
        if self._fail is not None:
            status, ratio, rng = self._fail
            if rng.random() < ratio:
                return (status,)
        return None

    @staticmethod
    async def _fault_response(fault: Fault) -> web.Response:
        if fault[0] == "timeout":
            await asyncio.sleep(float(fault[1]))
            return web.Response(status=201)
        headers = fault[1] if len(fault) > 1 else {}
        return web.Response(status=int(fault[0]), headers=headers, text="scripted")

    def _check(self, request: web.Request, body: bytes) -> None:
        """Raise _Reject unless the request is what RFC 8030/8291/8292 require."""
        if len(body) > 4096:
            raise _Reject(413, "payload_too_large")
        ttl = request.headers.get("TTL", "")
        if not ttl.isdigit():
            raise _Reject(400, "ttl_missing")
        if request.headers.get("Content-Encoding") != "aes128gcm":
            raise _Reject(400, "content_encoding")
        if request.headers.get("Urgency", "normal") not in _URGENCIES:
            raise _Reject(400, "urgency_invalid")
        topic = request.headers.get("Topic")
        if topic is not None and not _TOPIC_RE.match(topic):
            raise _Reject(400, "topic_invalid")
        self._check_vapid(request.headers.get("Authorization", ""))

    def _check_vapid(self, header: str) -> None:
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "vapid":
            raise _Reject(401, "vapid_missing")
        params = dict(p.strip().partition("=")[::2] for p in rest.split(","))
        token, key = params.get("t", ""), params.get("k", "")
        if self.expected_vapid_public_key and key != self.expected_vapid_public_key:
            raise _Reject(401, "vapid_key_mismatch")
        claims = self._verified.get((token, key))
        if claims is None:
            try:
                if json.loads(_unb64url(token.split(".")[0])).get("alg") != "ES256":
                    raise _Reject(401, "vapid_alg")
                claims = jwt_decode(token, key)
            except (InvalidSignature, ValueError) as exc:
                raise _Reject(401, "vapid_signature") from exc
            self._verified[(token, key)] = claims
            self.tokens.add(token)
        self._check_claims(claims)

    def _check_claims(self, claims: dict[str, Any]) -> None:
        if claims.get("aud") != self.origin:
            raise _Reject(401, "vapid_aud")
        exp, now = claims.get("exp"), time.time()
        if not isinstance(exp, int) or not now < exp <= now + 24 * 3600:
            raise _Reject(401, "vapid_exp")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
            raise _Reject(401, "vapid_sub")
        if self.subject is not None and sub != self.subject:
            raise _Reject(401, "vapid_sub_mismatch")


def _json_or_none(payload: bytes) -> Any | None:
    try:
        return json.loads(payload)
    except ValueError:
        return None
