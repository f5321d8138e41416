"""Celery workers yield the CPU to the web tier (``celery_app.lower_priority``).

Each case runs in processes of its own (a niceness cannot be lowered back), arranged as the
deployments are: a worker leading its own session (the bench, containers), one started by
the shell that leads the session (honcho runs each Procfile line through ``sh -c``), and one
deeper in another session, and one started by a terminal's shell: the sessions of the last
two hold more than the worker, and their weight must stay as it was.
"""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

REPORT = """
import json, os, sys
from pathlib import Path
if len(sys.argv) > 2:  # first a nicer start than asked
    os.nice(int(sys.argv[2]))
from server.celery_app import lower_priority
done = lower_priority(int(sys.argv[1]))
print(json.dumps({"done": done, "nice": os.getpriority(os.PRIO_PROCESS, 0),
                  "autogroup": Path("/proc/self/autogroup").read_text().strip()}))
"""
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # the scripts live in tmp_path
CHILD = "import subprocess, sys; sys.exit(subprocess.call([sys.executable, *sys.argv[1:]]))"

needs_autogroup = pytest.mark.skipif(not Path("/proc/self/autogroup").exists(),
                                     reason="the kernel has no autogroup scheduling")


def scripts(tmp_path: Path) -> tuple[str, str]:
    script, child = tmp_path / "report.py", tmp_path / "child.py"
    script.write_text(REPORT)
    child.write_text(CHILD)
    return str(script), str(child)


def report(tmp_path: Path, niceness: int, *, started: int = 0, via_shell: bool = False,
           depth: int = 0) -> dict:
    """What ``lower_priority(niceness)`` did in a process ``depth`` levels below the leader
    of a new session (or below the shell leading it)."""
    script, child = scripts(tmp_path)
    command = [sys.executable, *[child] * depth, script, str(niceness),
               *([str(started)] if started else [])]
    if via_shell:  # "; true": the shell waits for the worker instead of exec'ing it
        command = ["sh", "-c", " ".join(command) + "; true"]
    out = subprocess.run(command, env=ENV, capture_output=True, text=True, check=True,  # noqa: S603
                         start_new_session=True, timeout=60).stdout
    return json.loads(out.splitlines()[-1])


@needs_autogroup
def test_a_worker_leading_its_session_lowers_the_session_and_itself(tmp_path):
    done = report(tmp_path, 10)
    assert done["nice"] == 10
    assert done["autogroup"].endswith("nice 10")
    assert done["done"].startswith("nice 10, session autogroup-")


@needs_autogroup
def test_a_worker_started_by_the_shell_leading_the_session_lowers_the_session(tmp_path):
    done = report(tmp_path, 7, via_shell=True)
    assert (done["nice"], done["autogroup"][-6:]) == (7, "nice 7")


@needs_autogroup
def test_a_worker_deeper_in_a_session_lowers_only_itself(tmp_path):
    done = report(tmp_path, 10, depth=2)
    assert (done["nice"], done["autogroup"][-6:], done["done"]) == (10, "nice 0", "nice 10")


@needs_autogroup
def test_a_worker_started_by_a_terminals_shell_lowers_only_itself(tmp_path):
    script, child = scripts(tmp_path)
    pid, terminal = pty.fork()
    if pid == 0:  # the terminal's shell: it leads the session, the pty is its terminal
        os.execve(sys.executable, [sys.executable, child, script, "10"], ENV)  # noqa: S606
    out = b""
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    done = json.loads(out.decode().splitlines()[-1])
    assert (done["nice"], done["autogroup"][-6:], done["done"]) == (10, "nice 0", "nice 10")


def test_niceness_zero_changes_nothing(tmp_path):
    done = report(tmp_path, 0)
    assert (done["done"], done["nice"]) == ("unchanged", os.getpriority(os.PRIO_PROCESS, 0))


def test_a_worker_started_nicer_stays_as_nice(tmp_path):
    assert report(tmp_path, 10, started=15)["nice"] == 15


EMBEDDED = """
import os, sys, time
from server import create_app
from server.celery_app import ensure_embedded_worker
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "WORKER_NICENESS": 10},
                 instance_path=sys.argv[1])
ensure_embedded_worker(app)
worker = app.extensions["celery_worker"]
deadline = time.monotonic() + 30
while worker.blueprint.state != 1 and time.monotonic() < deadline:  # RUN
    time.sleep(0.05)
print(worker.blueprint.state, os.getpriority(os.PRIO_PROCESS, 0))
worker.stop()
"""


def test_the_embedded_worker_leaves_the_web_process_alone(tmp_path):
    script = tmp_path / "embedded.py"
    script.write_text(EMBEDDED)
    env = {k: v for k, v in ENV.items()
           if k not in ("CELERY_BROKER_URL", "DATABASE_URL", "WORKER_NICENESS")}
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "instance")], env=env,  # noqa: S603
                         capture_output=True, text=True, check=True, timeout=60).stdout
    state, nice = out.split()[-2:]
    assert (state, int(nice)) == ("1", os.getpriority(os.PRIO_PROCESS, 0))
