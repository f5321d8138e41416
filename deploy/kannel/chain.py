"""Kannel on this machine: bearerbox + smsbox from ``kannel.conf.in``, and Debian's fakesmsc
(kannel-extras) as the simulated operator. Used by the tests (tests/sms/test_sms_kannel.py),
the benchmark (bench/sms.py) and by hand:

    python -m deploy.kannel.chain --app http://127.0.0.1:5000 --secret "$SMS_CALLBACK_SECRET"

prints the ``SMS_GATEWAY_URL`` to give the app and runs until Ctrl-C.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from string import Template
from urllib.parse import unquote_to_bytes

HERE = Path(__file__).resolve().parent
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"  # kannel-extras
OPERATOR_NUMBER = "12308"  # the service's short code, as phones see it
# bearerbox's access log, a message it sent to the operator: flags are
# mclass:coding:mwi:compress:dlr-mask (coding 0 GSM 7-bit, 1 8-bit data, 2 UCS-2).
_SENT = re.compile(r"Sent SMS .*\[to:(\S+)\] \[flags:-?\d+:(-?\d+):.*\] \[msg:(\d+):")
_GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (text|data|udh|ucs2) (.*)>$")


def binaries() -> dict[str, str | None]:
    """Where bearerbox, smsbox and fakesmsc are (None: missing)."""
    found = {name: shutil.which(name) or (f"/usr/sbin/{name}"
                                          if os.access(f"/usr/sbin/{name}", os.X_OK) else None)
             for name in ("bearerbox", "smsbox")}
    found["fakesmsc"] = FAKESMSC if os.access(FAKESMSC, os.X_OK) else None
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, process: subprocess.Popen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited ({process.returncode})")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def mo_url(app_url: str, secret: str) -> str:
    """Kannel's get-url for replies (its % escapes filled in by smsbox)."""
    return (f"{app_url.rstrip('/')}/api/sms/mo?secret={secret}&id=%I&from=%p&to=%P&text=%b"
            "&coding=%c&charset=%C")


class Chain:
    """The three processes on loopback ports of their own, logs and store in ``workdir``."""

    def __init__(self, workdir: Path, app_url: str, secret: str, log_level: int = 1):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ports = {k: _free_port() for k in ("admin", "smsbox", "fake", "sendsms")}
        self.password = secrets.token_hex(8)
        self.config = self.workdir / "kannel.conf"
        self.config.write_text(Template((HERE / "kannel.conf.in").read_text()).substitute(
            admin_port=self.ports["admin"], admin_password=secrets.token_hex(8),
            smsbox_port=self.ports["smsbox"], fake_port=self.ports["fake"],
            sendsms_port=self.ports["sendsms"], workdir=self.workdir, log_level=log_level,
            sender=OPERATOR_NUMBER, username="compatriot", password=self.password,
            mo_url=mo_url(app_url, secret)))
        self.processes: dict[str, subprocess.Popen] = {}
        self.operator_logs: list[Path] = []

    @property
    def sendsms_url(self) -> str:
        """What to set ``SMS_GATEWAY_URL`` to."""
        return (f"http://compatriot:{self.password}@127.0.0.1:{self.ports['sendsms']}"
                "/cgi-bin/sendsms")

    def _start(self, name: str, command: list[str], log: Path, stdin=None) -> subprocess.Popen:
        with open(log, "ab") as out:
            process = subprocess.Popen(command, stdin=stdin, stdout=out,  # noqa: S603
                                       stderr=subprocess.STDOUT, cwd=self.workdir,
                                       start_new_session=True)
        self.processes[name] = process
        return process

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def start(self) -> Chain:
        bins = binaries()
        box = self._start("bearerbox", [bins["bearerbox"], str(self.config)],
                          self.workdir / "bearerbox.out")
        _wait_port(self.ports["smsbox"], box)
        self.start_smsbox()
        self.operator()
        return self

    def start_smsbox(self) -> None:
        process = self._start("smsbox", [binaries()["smsbox"], str(self.config)],
                              self.workdir / "smsbox.out")
        _wait_port(self.ports["sendsms"], process)

    def stop_smsbox(self) -> None:
        self._stop("smsbox")

    def operator(self) -> None:
        """(Re)connect the simulated operator: fakesmsc in interactive mode, which prints what
        it receives and sends each line written to its stdin as a phone's text."""
        self._stop("fakesmsc")
        log = self.workdir / f"operator-{len(self.operator_logs)}.log"
        self.operator_logs.append(log)
        command = [binaries()["fakesmsc"], "-H", "127.0.0.1", "-r", str(self.ports["fake"])]
        self._start("fakesmsc", command, log, stdin=subprocess.PIPE)

    def reply(self, sender: str, text: str) -> None:
        """A phone texts ``text`` to the service (in UCS-2, as a phone writing Chinese does)."""
        data = "".join(f"%{b:02X}" for b in text.encode("utf-16-be"))
        stdin = self.processes["fakesmsc"].stdin
        stdin.write(f"{sender} {OPERATOR_NUMBER} ucs2 {data}\n".encode())
        stdin.flush()

    def received(self) -> list[dict]:
        """Every segment the operator got: sender, receiver, UDH and payload bytes."""
        segments = []
        for log in self.operator_logs:
            for line in log.read_text(errors="replace").splitlines():
                match = _GOT.search(line)
                if match:
                    segments.append(_segment(*match.groups()))
        return segments

    def sent(self) -> list[dict]:
        """Every message bearerbox handed to the operator, as its access log has it: receiver,
        coding (0 GSM 7-bit, 1 8-bit, 2 UCS-2) and length in bytes, before the split."""
        log = self.workdir / "access.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [{"to": m[1], "coding": int(m[2]), "bytes": int(m[3])}
                for m in map(_SENT.search, lines) if m]

    def stop(self) -> None:
        for name in ("fakesmsc", "smsbox", "bearerbox"):
            self._stop(name)


def _segment(sender: str, receiver: str, kind: str, rest: str) -> dict:
    udh = None
    if kind == "udh":
        raw_udh, _, rest = rest.partition(" ")
        udh = unquote_to_bytes(raw_udh)
        kind, _, rest = rest.partition(" ") if rest.split(" ", 1)[0] in (
            "data", "text", "ucs2") else ("data", "", rest)
    payload = rest.encode() if kind == "text" else unquote_to_bytes(rest)
    return {"from": sender, "to": receiver, "udh": udh, "payload": payload}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default="http://127.0.0.1:5000", help="where Kannel calls back")
    parser.add_argument("--secret", required=True, help="SMS_CALLBACK_SECRET of the app")
    parser.add_argument("--workdir", default="instance/kannel")
    args = parser.parse_args()
    missing = [name for name, path in binaries().items() if path is None]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: apt-get install kannel kannel-extras")
    chain = Chain(Path(args.workdir), args.app, args.secret).start()
    print(f"SMS_GATEWAY_URL={chain.sendsms_url}", flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        chain.stop()


if __name__ == "__main__":
    main()
