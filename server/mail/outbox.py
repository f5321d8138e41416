"""The per-process email transport, built from the configuration: SMTP when ``MAIL_URL`` is
set, else the embedded ``.eml`` outbox under ``instance/mail/``."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import current_app

from server.mail.transport import FileOutbox, SmtpTransport

_transports: dict[tuple, SmtpTransport | FileOutbox] = {}
_lock = threading.Lock()


def outbox_directory() -> Path:
    return Path(current_app.instance_path) / "mail"


def transport() -> SmtpTransport | FileOutbox:
    """One transport per worker process (and configuration): its SMTP connection lives as
    long as the process and carries every message it sends. A forked worker builds its own."""
    cfg = current_app.config
    url = cfg.get("MAIL_URL")
    key = (os.getpid(), url or str(outbox_directory()))
    with _lock:
        found = _transports.get(key)
        if found is None:
            found = _transports[key] = (
                SmtpTransport(url, timeout=cfg["MAIL_TIMEOUT_SECONDS"]) if url
                else FileOutbox(outbox_directory()))
        return found
