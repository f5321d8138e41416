"""Email sending: the pooled SMTP transport (one kept connection, many messages) against the
naive loop (``smtplib.SMTP(...).send_message`` per message, a new connection each), both to a
local aiosmtpd sink in another process. Prints messages/s and client CPU per message.

    .venv/bin/python -m bench.email --messages 5000 --naive 500

The transport alone: composing from the database and the delivery bookkeeping are measured by
``bench/fanout.py`` for push and are not included here.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import time

from flask import Flask


class _Accept:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def _sink(port: int, ready) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def _messages(count: int):
    from server.mail.message import build

    app = Flask(__name__)
    app.config["MAIL_FROM"] = "Compatriot <no-reply@bench.invalid>"
    with app.app_context():
        return [(i, build(f"t{i}@example.org", f"[Severe] Flood {i}",
                          "Stay away from the river.\n" * 20,
                          "<p>Stay away from the river.</p>" * 20)) for i in range(count)]


def _measure(label: str, count: int, run) -> float:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = count / wall
    print(f"{label:>8}: {count} messages in {wall:.2f} s = {rate:,.0f} messages/s, "
          f"client CPU {cpu / count * 1e6:,.0f} µs/message")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--naive", type=int, default=500)
    args = parser.parse_args()
    from server.mail.transport import SmtpTransport
    from tests.mail.smtpsink import free_port

    port = free_port()
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(target=_sink, args=(port, ready), daemon=True)
    sink.start()
    ready.wait(10)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    pooled_items, naive_items = _messages(args.messages), _messages(args.naive)
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}")

    def pooled():
        results = transport.send_many(pooled_items)
        assert all(r.outcome == "sent" for r in results)

    def naive():
        for _, message in naive_items:
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.send_message(message)

    fast = _measure("pooled", args.messages, pooled)
    slow = _measure("naive", args.naive, naive)
    print(f"pooled / naive: {fast / slow:.1f}x")
    sink.terminate()


if __name__ == "__main__":
    main()
