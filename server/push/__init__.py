"""Compatriot's Web Push sender: VAPID with a per-origin JWT cache, RFC 8291 encryption,
and a pooled, bounded-concurrency HTTP sender. Knows nothing of Flask.
"""

from server.push.crypto import MAX_PAYLOAD, encrypt, validate_subscription_keys
from server.push.message import (
    PushMessage,
    check_fields,
    topic_for,
)
from server.push.naive import naive_send
from server.push.sender import PushSender
from server.push.vapid import (
    VapidSigner,
    generate_vapid_keypair,
    origin_of,
    public_key_b64url,
)

__all__ = [
    "MAX_PAYLOAD",
    "PushMessage",
    "PushSender",
    "VapidSigner",
    "check_fields",
    "encrypt",
    "generate_vapid_keypair",
    "naive_send",
    "origin_of",
    "public_key_b64url",
    "topic_for",
    "validate_subscription_keys",
]
