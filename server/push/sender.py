"""Pooled Web Push sender: one keep-alive aiohttp session on a private event loop.

The loop lives in a background thread for the sender's lifetime, so connections (and TLS
sessions) to a push service survive from one send() call to the next; a Celery worker
that sends batch after batch then pays the handshake once, not once per batch.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

import aiohttp

from server.push.crypto import encrypt
from server.push.message import PushMessage, PushResult, result_for_response
from server.push.vapid import VapidSigner, origin_of

T = TypeVar("T")


class _LoopThread:
    """An event loop running in a daemon thread; coroutines are submitted from any thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, daemon=True, name="push-sender-loop"
        )
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        """Stop the loop, wait for the thread, release the loop."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


def _ssl_setting(verify_tls: bool | str) -> ssl.SSLContext | bool:
    """True: system CAs; False: no verification (tests only); str: a CA bundle file."""
    if isinstance(verify_tls, str):
        return ssl.create_default_context(cafile=verify_tls)
    return bool(verify_tls)


class PushSender:
    """Sends PushMessages over pooled connections, at most N in flight per push-service origin."""

    def __init__(
        self,
        signer: VapidSigner,
        *,
        concurrency_per_origin: int = 50,
        timeout: float = 10.0,
        verify_tls: bool | str = True,
    ) -> None:
        if concurrency_per_origin < 1:
            raise ValueError("concurrency_per_origin must be at least 1")
        self.signer = signer
        self._concurrency = concurrency_per_origin
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._ssl = _ssl_setting(verify_tls)
        self._lock = threading.Lock()
        self._runner: _LoopThread | None = None
        self._session: aiohttp.ClientSession | None = None
        self._slots: dict[str, asyncio.Semaphore] = {}

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, messages: Iterable[PushMessage]) -> list[PushResult]:
        """Encrypt and deliver messages; results come back in the order given. Thread-safe."""
        batch = list(messages)
        if not batch:
            return []
        return self._loop().run(self._send_all(batch))

    def close(self) -> None:
        """Close pooled connections and stop the loop thread; send() afterwards reopens them."""
        with self._lock:
            runner, self._runner = self._runner, None
        if runner is None:
            return
        runner.run(self._close_session())
        runner.stop()

    def _loop(self) -> _LoopThread:
        with self._lock:
            if self._runner is None:
                self._runner = _LoopThread()
            return self._runner

    async def _close_session(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None
        self._slots.clear()

    def _client(self) -> aiohttp.ClientSession:
        """The pooled session; created lazily because aiohttp wants a running loop."""
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=0,  # the per-origin semaphores are the bound
                limit_per_host=self._concurrency,
                keepalive_timeout=60,
                ssl=self._ssl,
            )
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self._session

    def _slot(self, origin: str) -> asyncio.Semaphore:
        slot = self._slots.get(origin)
        if slot is None:
            slot = self._slots[origin] = asyncio.Semaphore(self._concurrency)
        return slot

    async def _send_all(self, batch: list[PushMessage]) -> list[PushResult]:
        session = self._client()
        tasks = [asyncio.ensure_future(self._send_one(session, m)) for m in batch]
        return list(await asyncio.gather(*tasks))

    def _headers(self, message: PushMessage, origin: str) -> dict[str, str]:
        headers = {
            "TTL": str(message.ttl),
            "Urgency": message.urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Authorization": self.signer.authorization(origin),
        }
        if message.topic:
            headers["Topic"] = message.topic
        return headers

    async def _send_one(self, session: aiohttp.ClientSession, message: PushMessage) -> PushResult:
        """Deliver one message inside its origin's slot.

        Encrypting just before the request keeps at most N bodies alive per origin and
        spreads the CPU work between network waits instead of stalling the loop up front.
        """
        origin = origin_of(message.endpoint)
        async with self._slot(origin):
            try:
                body = encrypt(message.payload, message.p256dh, message.auth)
            except ValueError as exc:
                return PushResult(message.id, None, "failed", None, f"encryption: {exc}")
            headers = self._headers(message, origin)
            try:
                async with session.post(message.endpoint, data=body, headers=headers) as resp:
                    text = (await resp.read()).decode("utf-8", "replace")
                    return result_for_response(message.id, resp.status, resp.headers, text)
            except TimeoutError:
                return PushResult(message.id, None, "retry", None, "timeout")
            except aiohttp.ClientError as exc:
                error = f"{type(exc).__name__}: {exc}"
                return PushResult(message.id, None, "retry", None, error)
