"""Email fixtures (the sink: tests/fixtures/mail.py; the outbox: tests/fixtures/outboxes.py):
a client TLS context that trusts the sink's certificate."""
from __future__ import annotations

import ssl

import pytest


@pytest.fixture
def client_context(sink_certificate):
    return ssl.create_default_context(cafile=str(sink_certificate[0]))
