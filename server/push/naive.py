"""Baseline sender: pywebpush.webpush() once per message (new connection, new JWT each time).

Kept for the benchmark that shows what PushSender saves, and as a simple fallback.
"""

from __future__ import annotations

from typing import cast

import requests
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from server.push.message import PushMessage, result_for_response
from server.push.vapid import load_private_key
from server.sending import SendResult


def naive_send(
    message: PushMessage, vapid_private_key: str, subject: str, *, timeout: float = 10.0
) -> SendResult:
    """Send one message with pywebpush and map the outcome like PushSender does."""
    headers: dict[str, str | int | float] = {"Urgency": message.urgency}
    if message.topic:
        headers["Topic"] = message.topic
    subscription = {
        "endpoint": message.endpoint,
        "keys": {"p256dh": message.p256dh, "auth": message.auth},
    }
    try:
        response = cast(
            requests.Response,
            webpush(
                subscription,
                data=message.payload,  # type: ignore[arg-type]  # bytes are sent as-is
                vapid_private_key=Vapid(private_key=load_private_key(vapid_private_key)),
                vapid_claims={"sub": subject},  # a fresh dict: webpush() writes aud/exp into it
                ttl=message.ttl,
                timeout=timeout,
                headers=headers,
            ),
        )
    except WebPushException as exc:
        if exc.response is None:
            return SendResult(message.id, None, "failed", None, str(exc))
        resp = exc.response
        return result_for_response(message.id, resp.status_code, resp.headers, resp.text)
    except requests.Timeout:
        return SendResult(message.id, None, "retry", None, "timeout")
    except requests.RequestException as exc:
        return SendResult(message.id, None, "retry", None, f"{type(exc).__name__}: {exc}")
    return result_for_response(message.id, response.status_code, response.headers)
