"""VAPID keys and the per-process push sender, built from the app's configuration."""
from __future__ import annotations

import threading

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.push import PushSender, VapidSigner, public_key_b64url, validate_subscription_keys

_KEY_MESSAGES = {
    "p256dh_invalid": ("p256dh", _l("Not a valid P-256 public key (base64url).")),
    "auth_invalid": ("auth", _l("Not a valid 16-byte authentication secret (base64url).")),
}
_senders: dict[tuple, PushSender] = {}
_lock = threading.Lock()


def key_problems(p256dh: str, auth: str) -> dict[str, list]:
    """Field errors for a subscription's keys, keyed like the PushSubscription JSON."""
    problems: dict[str, list] = {}
    for code in validate_subscription_keys(p256dh, auth):
        field, message = _KEY_MESSAGES.get(code, ("p256dh", _l("Invalid value.")))
        problems.setdefault(field, []).append(message)
    return problems


def public_key() -> str:
    """The applicationServerKey browsers subscribe with (uncompressed P-256, base64url)."""
    return public_key_b64url(current_app.config["VAPID_PRIVATE_KEY"])


def sender() -> PushSender:
    """One sender per worker process and key: the VAPID JWT cache and the connection pools
    live as long as the process, so a batch neither re-signs nor re-handshakes."""
    cfg = current_app.config
    key = (cfg["VAPID_PRIVATE_KEY"], cfg["VAPID_SUBJECT"], cfg.get("PUSH_VERIFY_TLS", True))
    with _lock:
        existing = _senders.get(key)
        if existing is None:
            signer = VapidSigner(cfg["VAPID_PRIVATE_KEY"], cfg["VAPID_SUBJECT"])
            existing = _senders[key] = PushSender(
                signer, concurrency_per_origin=cfg.get("PUSH_CONCURRENCY_PER_ORIGIN", 50),
                timeout=cfg.get("PUSH_TIMEOUT_SECONDS", 10.0), verify_tls=key[2])
        return existing
