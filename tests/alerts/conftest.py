"""Alert tests push to a local receiver (the shared fixtures are tests/fixtures/push.py and
the ``auth`` fixture, tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _push(push_config):
    """Every test here pushes to the local receiver, tasks run inline (tests/fixtures/push.py)."""
