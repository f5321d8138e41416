"""PushSender's own HTTP/1.1 path against push services that misbehave at the connection level:
keep-alive connections closed under it, bodies delimited by the end of the connection, garbage.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import pytest

from server.push import PushMessage, PushSender, VapidSigner, generate_vapid_keypair
from tests.pushreceiver import PushReceiver, make_subscription

Answer = Callable[[int], bytes | None]  # request number -> raw response (None: hang up)


class RawService:
    """A TCP server that reads each whole request, then writes what ``answer`` says."""

    def __init__(self, answer: Answer, *, close_after_each: bool = False) -> None:
        self.answer, self.close_after_each = answer, close_after_each
        self.requests, self.connections = 0, 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> RawService:
        self.thread.start()
        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self.loop).result()
        self.server = server
        self.port = server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc_info: object) -> None:
        async def shutdown() -> None:
            self.server.close()
            handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                await reader.readexactly(length)
                self.requests += 1
                response = self.answer(self.requests)
                if response is None:
                    break
                writer.write(response)
                await writer.drain()
                if self.close_after_each:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


@pytest.fixture(scope="module")
def signer() -> VapidSigner:
    return VapidSigner(generate_vapid_keypair()[0], "mailto:ops@example.org")


@pytest.fixture(scope="module")
def keys(signer) -> tuple[str, str]:
    with PushReceiver() as rx:
        sub = make_subscription(rx, "keys")
    return sub.p256dh, sub.auth


def _messages(port: int, keys: tuple[str, str], count: int) -> list[PushMessage]:
    return [PushMessage(i, f"http://127.0.0.1:{port}/push/{i}", *keys, b"{}")
            for i in range(count)]


CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


@pytest.fixture
def sender(signer) -> Iterator[PushSender]:
    with PushSender(signer, concurrency_per_origin=2, timeout=2.0) as tx:
        yield tx


def test_keep_alive_connection_closed_by_the_service_is_replaced(sender, keys) -> None:
    # The service answers without "Connection: close" and then hangs up: the sender finds
    # out on its next write, and must send that request again on a new connection, once.
    with RawService(lambda n: CREATED, close_after_each=True) as service:
        for batch in range(3):
            results = sender.send(_messages(service.port, keys, 4))
            assert [r.outcome for r in results] == ["sent"] * 4, batch
        assert service.requests == 12  # nothing sent twice
        assert service.connections >= 4


def test_body_delimited_by_connection_close(sender, keys) -> None:
    answer = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nConnection: close\r\n\r\nbusy"
    with RawService(lambda n: answer, close_after_each=True) as service:
        [result] = sender.send(_messages(service.port, keys, 1))
    assert (result.status, result.outcome, result.retry_after) == (503, "retry", 7.0)
    assert result.error == "HTTP 503: busy"


def test_chunked_error_body_is_read(sender, keys) -> None:
    answer = (b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"4\r\nbad \r\n3\r\nttl\r\n0\r\n\r\n")
    with RawService(lambda n: answer) as service:
        results = sender.send(_messages(service.port, keys, 3))
    expected = (400, "failed", "HTTP 400: bad ttl")
    assert {(r.status, r.outcome, r.error) for r in results} == {expected}


def test_garbage_or_a_hang_up_without_answer_is_retried(sender, keys) -> None:
    with RawService(lambda n: b"SMTP ready\r\n\r\n") as service:
        [garbage] = sender.send(_messages(service.port, keys, 1))
    assert (garbage.status, garbage.outcome) == (None, "retry")
    with RawService(lambda n: None) as service:
        [silent] = sender.send(_messages(service.port, keys, 1))
    assert (silent.status, silent.outcome) == (None, "retry")
    assert silent.error and "ConnectionError" in silent.error
