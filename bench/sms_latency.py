"""How long smsbox takes to answer one ``sendsms`` request, one request after the other, on the
real chain (``deploy/kannel/``): a kept-alive connection as ``KannelGateway`` keeps, the same
without its TCP_QUICKACK, and a new connection per request (the naive loop of ``bench/sms.py``)::

    .venv/bin/python -m bench.sms_latency --requests 300
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import urllib3

from bench import common
from bench.sms import _sink


def _report(label: str, seconds: list[float]) -> None:
    print(f"{label:>28}: median {statistics.median(seconds) * 1e3:.2f} ms, mean "
          f"{statistics.mean(seconds) * 1e3:.2f} ms, p95 {common.percentile(seconds, 95) * 1e3:.2f}"
          f" ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    from deploy.kannel.chain import Chain
    from server.sms.gateway import KannelGateway, SmsOut

    print(common.machine(), flush=True)
    port, ready = multiprocessing.Value("i", 0), multiprocessing.Event()
    sink = multiprocessing.Process(target=_sink, args=(port, ready), daemon=True)
    sink.start()
    ready.wait(10)
    chain = Chain(Path(tempfile.mkdtemp(prefix="bench-kannel-")), f"http://127.0.0.1:{port.value}",
                  "bench-secret", log_level=4).start()
    dlr = f"http://127.0.0.1:{port.value}/api/sms/dlr?id=1&status=%d"
    messages = [SmsOut(i, f"+6683{i:07d}", "Protests downtown: stay indoors tonight.", dlr)
                for i in range(args.requests)]
    try:
        time.sleep(1)
        KannelGateway(chain.sendsms_url, rate=1e9).send(messages[:20])  # warm the chain up
        for label, plain in (("kept alive, TCP_QUICKACK", False), ("kept alive, without", True)):
            client = KannelGateway(chain.sendsms_url, rate=1e9, pool_size=1)
            if plain:
                client.pool.ConnectionCls = urllib3.connection.HTTPConnection
            client.send(messages[:1])  # the connection opened: only requests are measured
            seconds = []
            for message in messages:
                started = time.perf_counter()
                assert client.send([message])[0].outcome == "sent"
                seconds.append(time.perf_counter() - started)
            _report(label, seconds)
        seconds = []
        for message in messages:
            started = time.perf_counter()
            with urllib.request.urlopen(  # noqa: S310  (loopback)
                    f"{client.endpoint}?{urlencode(client.params(message))}") as response:
                response.read()
            seconds.append(time.perf_counter() - started)
        _report("a new connection each", seconds)
        print(common.load(), flush=True)
    finally:
        chain.stop()
        sink.terminate()


if __name__ == "__main__":
    main()
