"""Celery, bound to the Flask app: every task runs inside an app context and takes ids only.

Scaled out, ``CELERY_BROKER_URL`` points at Redis or RabbitMQ and workers run as
``celery -A server.celery_app:celery worker``. Embedded (no broker configured), the very
same tasks go through kombu's in-memory transport to a worker thread inside the web process,
so nothing else needs installing. Tests may set ``CELERY_TASK_ALWAYS_EAGER``.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from celery import Celery, Task
from celery.signals import worker_init
from celery.utils.log import get_logger
from flask import Flask

_embedded_lock = threading.Lock()
logger = get_logger(__name__)
AUTOGROUP = Path("/proc/self/autogroup")  # Linux: this process's session's scheduling group


def init_celery(app: Flask) -> Celery:
    broker = app.config.get("CELERY_BROKER_URL")

    class AppContextTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=AppContextTask)
    celery.conf.update(
        broker_url=broker or "memory://",
        task_ignore_result=True,
        task_acks_late=True,  # a task lost with its worker is redelivered
        task_reject_on_worker_lost=True,
        # A batch running when the broker connection drops finishes and records its results
        # (tests/scaled/test_scaled_faults.py); cancelling it would leave its deliveries
        # leased until the sweep. Explicit because Celery 6 changes the default.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_prefetch_multiplier=4,
        broker_connection_retry_on_startup=True,
        task_always_eager=app.config.get("CELERY_TASK_ALWAYS_EAGER", False),
        task_eager_propagates=True,
        beat_schedule=app.config.get("CELERY_BEAT_SCHEDULE", {}),
        beat_schedule_filename=os.path.join(app.instance_path, "celerybeat-schedule"),
        include=app.config.get("CELERY_TASK_MODULES", []),
    )
    celery.set_default()
    # Read by _yield_to_requests; 0 for the embedded worker, a thread of the web process,
    # which niceness would slow down with it.
    celery.conf.compatriot_worker_niceness = app.config["WORKER_NICENESS"] if broker else 0

    app.extensions["celery"] = celery
    app.extensions["celery_embedded"] = not broker
    return celery


@worker_init.connect
def _yield_to_requests(sender, **_):
    niceness = sender.app.conf.get("compatriot_worker_niceness", 0)
    if niceness:
        logger.info("worker CPU priority: %s", lower_priority(niceness))


def lower_priority(niceness: int) -> str:
    """Make this worker process (and the pool it forks) yield the CPU to the web tier.

    A fan-out keeps every core busy for seconds, and an SOS arriving meanwhile must not queue
    behind it where both share a machine. Niceness alone does not do it on Linux: with
    autogroup scheduling, sessions share the CPU as equals first, and niceness only ranks the
    processes inside one session; so the session's own weight is lowered too, but only where
    the session is this worker's, never a terminal's. Under systemd, set ``CPUWeight=``
    instead. Returns what was done, for the log.
    """
    if niceness <= 0:
        return "unchanged"
    os.setpriority(os.PRIO_PROCESS, 0, max(niceness, os.getpriority(os.PRIO_PROCESS, 0)))
    done = f"nice {os.getpriority(os.PRIO_PROCESS, 0)}"
    if AUTOGROUP.exists() and _session_is_own():
        try:
            AUTOGROUP.write_text(str(niceness))
            done += f", session {AUTOGROUP.read_text().split('/')[-1].strip()}"
        except OSError as exc:  # a container may not allow it: the process niceness stands
            done += f", session unchanged ({exc.strerror})"
    return done


def _session_is_own() -> bool:
    """This process's session holds only the worker: it leads it, or the shell that started
    it does (honcho runs each Procfile line through ``sh -c`` in a session of its own); and
    the session has no terminal (a shell in a terminal leads a session of everything typed)."""
    stat = Path("/proc/self/stat").read_text()
    terminal = int(stat.rsplit(")", 1)[1].split()[4])  # tty_nr, 0 without one
    return terminal == 0 and os.getsid(0) in (os.getpid(), os.getppid())


def ensure_embedded_worker(app: Flask) -> None:
    """Start the in-process worker thread once, when there is no broker (embedded mode)."""
    if not app.extensions.get("celery_embedded") or app.extensions.get("celery_worker"):
        return
    celery = app.extensions["celery"]
    if celery.conf.task_always_eager:
        return
    with _embedded_lock:
        if app.extensions.get("celery_worker"):
            return
        worker = celery.WorkController(pool="solo", concurrency=1, without_heartbeat=True,
                                       without_mingle=True, without_gossip=True, beat=False,
                                       loglevel="WARNING")
        threading.Thread(target=worker.start, name="embedded-celery", daemon=True).start()
        if celery.conf.beat_schedule:
            # Beat as a thread: the worker's own beat would fork a process, and the in-memory
            # transport does not cross processes, so its tasks would never arrive.
            from celery.beat import EmbeddedService

            beat = EmbeddedService(celery, thread=True)
            beat.start()
            app.extensions["celery_beat"] = beat
        app.extensions["celery_worker"] = worker


def bound(task):
    """``task`` as registered on the Celery app of the current Flask app.

    Shared tasks otherwise resolve to Celery's "current" app, which is whichever app was
    built last in the process (several exist in tests).
    """
    from flask import current_app

    return current_app.extensions["celery"].tasks[task.name]


def enqueue(task, *args, **kwargs) -> None:
    """Send a task by ids; in embedded mode make sure the in-process worker is running."""
    from flask import current_app

    ensure_embedded_worker(current_app._get_current_object())
    bound(task).delay(*args, **kwargs)


def after_commit(callback) -> None:
    """Run ``callback`` once the current transaction commits (never if it rolls back), so a
    worker never acts on data the request has not committed yet."""
    from flask import current_app
    from sqlalchemy import event

    from server.db import db

    def run(_session):
        try:
            callback()
        except Exception:  # noqa: BLE001  (the commit stands; the sweep resumes lost sends)
            current_app.logger.exception("after-commit work failed")

    event.listen(db.session(), "after_commit", run, once=True)


def enqueue_after_commit(task, *args) -> None:
    """``enqueue(task, *args)`` once the caller's transaction commits."""
    after_commit(lambda: enqueue(task, *args))


def create_worker_app() -> Celery:
    """Entry point for ``celery -A server.celery_app:celery``."""
    from server import create_app

    return create_app().extensions["celery"]


def __getattr__(name: str):
    # `celery -A server.celery_app:celery` builds the app only when a worker asks for it.
    if name == "celery":
        return create_worker_app()
    raise AttributeError(name)
