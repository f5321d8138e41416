"""Fault tests push to a local receiver that can be scripted to fail
(tests/fixtures/push.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _push(push_config):
    """Every test here pushes to the local receiver, tasks run inline (tests/fixtures/push.py)."""
