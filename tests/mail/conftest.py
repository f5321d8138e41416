"""Email fixtures: the SMTP sink on loopback (STARTTLS + AUTH), a client TLS context that
trusts its certificate, the app sending to it, and the embedded outbox emptied."""
from __future__ import annotations

import shutil
import ssl

import pytest

from tests.mail import smtpsink


@pytest.fixture(scope="session")
def sink_certificate(tmp_path_factory):
    return smtpsink.make_certificate(tmp_path_factory.mktemp("smtp"))


@pytest.fixture
def smtp(sink_certificate):
    """(sink, url): a fresh sink for each test, its STARTTLS + AUTH URL."""
    controller, sink = smtpsink.start(*sink_certificate)
    try:
        yield sink, (f"smtp+starttls://{smtpsink.USER}:{smtpsink.PASSWORD}@127.0.0.1:"
                     f"{controller.port}")
    finally:
        controller.stop()


@pytest.fixture
def client_context(sink_certificate):
    return ssl.create_default_context(cafile=str(sink_certificate[0]))


@pytest.fixture
def app_mail(app, smtp, sink_certificate, monkeypatch):
    """The app sends through the sink (the transport trusts its certificate like a system
    store would: SSL_CERT_FILE)."""
    sink, url = smtp
    monkeypatch.setenv("SSL_CERT_FILE", str(sink_certificate[0]))
    monkeypatch.setitem(app.config, "MAIL_URL", url)
    return sink


@pytest.fixture
def mail_outbox(app):
    """The embedded outbox (instance/mail/), empty at the start of the test."""
    from server.mail.outbox import outbox_directory
    from server.mail.transport import FileOutbox

    with app.app_context():
        directory = outbox_directory()
    shutil.rmtree(directory, ignore_errors=True)
    return FileOutbox(directory)
