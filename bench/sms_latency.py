"""How long smsbox takes to answer one ``sendsms`` request, one request after the other, on the
real chain (``deploy/kannel/``): a kept-alive connection as ``KannelGateway`` keeps, the same
without its TCP_QUICKACK, and a new connection per request (the naive loop of ``bench/sms.py``),
the three in turn::

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
        quick = KannelGateway(chain.sendsms_url, rate=1e9, pool_size=1)
        plain = KannelGateway(chain.sendsms_url, rate=1e9, pool_size=1)
        plain.pool.ConnectionCls = urllib3.connection.HTTPConnection
        for client in (quick, plain):
            client.send(messages[:1])  # the connection opened: only requests are measured

        def fresh(message):
            url = f"{quick.endpoint}?{urlencode(quick.params(message))}"
            with urllib.request.urlopen(url) as response:  # noqa: S310  (loopback)
                response.read()

        ways = {"kept alive, TCP_QUICKACK": lambda m: quick.send([m]),
                "kept alive, without": lambda m: plain.send([m]),
                "a new connection each": fresh}
        seconds = {label: [] for label in ways}
        for message in messages:  # the three in turn: the machine's load drifts alike for each
            for label, send in ways.items():
                started = time.perf_counter()
                send(message)
                seconds[label].append(time.perf_counter() - started)
        for label, values in seconds.items():
            _report(label, values)
        print(common.load(), flush=True)
    finally:
        chain.stop()
        sink.terminate()


if __name__ == "__main__":
    main()
