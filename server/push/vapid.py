"""VAPID (RFC 8292): application server keys and a per-origin JWT cache.

A push service only needs a fresh token when the old one nears expiry, so the signer
signs once per push-service origin and reuses the header; signing per message (as
pywebpush does) costs an ECDSA signature on every send.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.jwt import sign as jwt_sign

from server.push.crypto import b64url_decode, b64url_encode

TOKEN_LIFETIME = 12 * 3600
REFRESH_MARGIN = 3600
_DEFAULT_PORTS = {"http": 80, "https": 443}


def load_private_key(key: str) -> ec.EllipticCurvePrivateKey:
    """Load a P-256 private key from PEM, base64url DER, or base64url raw 32-byte scalar."""
    if "-----BEGIN" in key:
        loaded = serialization.load_pem_private_key(key.encode("ascii"), password=None)
    else:
        raw = b64url_decode("".join(key.split()))
        if len(raw) == 32:
            loaded = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            loaded = serialization.load_der_private_key(raw, password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey) or loaded.curve.name != "secp256r1":
        raise ValueError("VAPID key must be an EC P-256 private key")
    return loaded


def _public_b64url(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url_encode(point)


def public_key_b64url(private_key: str) -> str:
    """Return the applicationServerKey for a private key: uncompressed point, base64url."""
    return _public_b64url(load_private_key(private_key))


def generate_vapid_keypair() -> tuple[str, str]:
    """Create a VAPID key pair: (PKCS#8 PEM private key, base64url public key for browsers)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return pem, _public_b64url(key)


def origin_of(url: str) -> str:
    """Return the ASCII origin (scheme://host[:port]) of an endpoint, the JWT's 'aud'."""
    return split_endpoint(url)[0]


def split_endpoint(url: str) -> tuple[str, str]:
    """(origin, request target) of an endpoint: where to connect, and what to POST to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    port = parts.port
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}", target
    return f"{scheme}://{host}:{port}", target


class VapidSigner:
    """Produces VAPID Authorization headers, one signed JWT per origin, cached until near expiry."""

    def __init__(
        self,
        private_key: str,
        subject: str,
        *,
        lifetime: int = TOKEN_LIFETIME,
        refresh_margin: int = REFRESH_MARGIN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not subject.startswith(("mailto:", "https:")):
            raise ValueError("VAPID subject must be a mailto: or https: URI")
        if not 0 <= refresh_margin < lifetime <= 24 * 3600:
            raise ValueError("need 0 <= refresh_margin < lifetime <= 24 h")
        self._key = load_private_key(private_key)
        self.subject = subject
        self.public_key = _public_b64url(self._key)
        self._lifetime = lifetime
        self._margin = refresh_margin
        self._clock = clock
        self._cache: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        self.sign_count = 0

    def authorization(self, endpoint_or_origin: str) -> str:
        """Return the `vapid t=..., k=...` header value for the endpoint's origin."""
        origin = origin_of(endpoint_or_origin)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(origin)
            if cached is not None and cached[1] - now > self._margin:
                return cached[0]
            expires = int(now) + self._lifetime
            claims = {"aud": origin, "exp": expires, "sub": self.subject}
            header = f"vapid t={jwt_sign(claims, self._key)}, k={self.public_key}"
            self._cache[origin] = (header, expires)
            self.sign_count += 1
            return header

    def headers(self, endpoint_or_origin: str) -> dict[str, str]:
        """Return a new dict holding the Authorization header (callers may mutate it)."""
        return {"Authorization": self.authorization(endpoint_or_origin)}
