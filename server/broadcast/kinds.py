"""The kinds of message the pipeline sends, each declared by the feature that owns it (it
connects to ``server.signals.broadcast_kinds`` in its ``__init__.py``)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from server import signals


@dataclass(frozen=True)
class Kind:
    name: str
    # (message, language, default language) -> the push payload (bytes of JSON)
    payload: Callable[..., bytes]
    # materializes the audience and fans it out; idempotent, so the sweep may run it again
    send_task: object


@cache
def kinds() -> dict[str, Kind]:
    """Every declared kind by name (the features' modules are imported by ``create_app``)."""
    return {kind.name: kind for _receiver, kind in signals.broadcast_kinds.send()}


def payload(message, language: str, default: str) -> bytes:
    """The phone payload of ``message`` (a ``Message`` of any kind) in ``language``."""
    return kinds()[message.kind].payload(message, language, default)
