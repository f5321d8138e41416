"""RFC 8291 message encryption (aes128gcm) and subscription key checks.

The record format and key derivation come from http_ece; this module only adds the
per-message ephemeral key and the checks a browser-supplied subscription needs.
"""

from __future__ import annotations

import base64
import binascii
import os
import re

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec

AUTH_SECRET_LENGTH = 16
UNCOMPRESSED_POINT_LENGTH = 65
# aes128gcm header (salt 16 + rs 4 + idlen 1 + keyid 65) + delimiter 1 + GCM tag 16.
ENCRYPTION_OVERHEAD = 103
MAX_BODY = 4096
MAX_PAYLOAD = MAX_BODY - ENCRYPTION_OVERHEAD
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_encode(data: bytes) -> str:
    """Encode bytes as unpadded base64url, the form the Push API uses for keys."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url (padding optional; '+' and '/' tolerated, some clients send them)."""
    raw = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    if len(raw) % 4 == 1 or not _B64URL.match(raw):
        raise ValueError("invalid base64url")
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"invalid base64url: {exc}") from exc


def _receiver_key(p256dh_b64url: str) -> ec.EllipticCurvePublicKey:
    """Parse a subscription's p256dh; raise ValueError unless it is an uncompressed P-256 point."""
    point = b64url_decode(p256dh_b64url)
    if len(point) != UNCOMPRESSED_POINT_LENGTH or point[0] != 0x04:
        raise ValueError("p256dh is not an uncompressed P-256 point")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)


def _auth_secret(auth_b64url: str) -> bytes:
    """Parse a subscription's auth secret; raise ValueError unless it is 16 bytes."""
    secret = b64url_decode(auth_b64url)
    if len(secret) != AUTH_SECRET_LENGTH:
        raise ValueError("auth secret must be 16 bytes")
    return secret


def validate_subscription_keys(p256dh: object, auth: object) -> list[str]:
    """Return problem codes for a subscription's keys (empty when usable), for a 422 reply."""
    problems: list[str] = []
    try:
        _receiver_key(p256dh)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError):
        problems.append("p256dh_invalid")
    try:
        _auth_secret(auth)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError):
        problems.append("auth_invalid")
    return problems


def encrypt(payload: bytes, p256dh_b64url: str, auth_b64url: str) -> bytes:
    """Encrypt one push payload (RFC 8291, aes128gcm) with a fresh ephemeral key and salt.

    A new sender key per message is what RFC 8291 requires: reusing one would let
    messages to the same subscription share key material.
    """
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload is {len(payload)} bytes; at most {MAX_PAYLOAD} fit in 4096")
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    return http_ece.encrypt(
        payload,
        salt=os.urandom(16),
        private_key=ephemeral,
        dh=_receiver_key(p256dh_b64url),
        auth_secret=_auth_secret(auth_b64url),
        version="aes128gcm",
    )
