"""The per-process SMS gateway, built from the configuration: Kannel when ``SMS_GATEWAY_URL``
is set, else the embedded file outbox under ``instance/sms/``."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import current_app

from server.sms.gateway import FileOutbox, KannelGateway

_gateways: dict[tuple, KannelGateway | FileOutbox] = {}
_lock = threading.Lock()


def outbox_directory() -> Path:
    return Path(current_app.instance_path) / "sms" / "outbox"


def gateway() -> KannelGateway | FileOutbox:
    """One gateway per worker process (and configuration): its kept-alive connections and its
    token bucket live as long as the process. A forked worker builds its own."""
    cfg = current_app.config
    url = cfg.get("SMS_GATEWAY_URL")
    key = (os.getpid(), url or str(outbox_directory()), cfg["SMS_RATE"])
    with _lock:
        found = _gateways.get(key)
        if found is None:
            found = _gateways[key] = (
                KannelGateway(url, rate=cfg["SMS_RATE"], attempts=cfg["SMS_SEND_ATTEMPTS"],
                              backoff=cfg["SMS_SEND_BACKOFF_SECONDS"],
                              timeout=cfg["SMS_TIMEOUT_SECONDS"], sender=cfg["SMS_SENDER"])
                if url else FileOutbox(outbox_directory()))
        return found


def callback_url(path: str, **params: str) -> str:
    """A URL Kannel calls back: ``SMS_CALLBACK_URL`` + path, the shared secret and ``params``
    (Kannel's ``%`` escapes are kept as they are: Kannel fills them in)."""
    cfg = current_app.config
    query = "&".join(f"{k}={v}" for k, v in {"secret": cfg["SMS_CALLBACK_SECRET"],
                                              **params}.items())
    return f"{cfg['SMS_CALLBACK_URL']}{path}?{query}"


def dlr_url(message_id: int, delivery: bool = False) -> str:
    """Where the reports of a direct SMS (or, ``delivery``, of a broadcast delivery) go."""
    kind = {"delivery": "1"} if delivery else {}
    return callback_url("/api/sms/dlr", id=str(message_id), **kind, status="%d", answer="%A",
                        smsc_id="%F")


def mo_url() -> str:
    """The ``get-url`` of Kannel's sms-service (deploy/kannel/kannel.conf.in)."""
    return callback_url("/api/sms/mo", id="%I", **{"from": "%p"}, to="%P", text="%b",
                        coding="%c", charset="%C")
