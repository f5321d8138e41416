"""A real SMTP server on loopback for the tests (aiosmtpd): STARTTLS with a certificate made
here, AUTH, and faults on demand (a reply code for a recipient, a connection dropped)."""
from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "compatriot", "sink-password"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA): (certificate, key) PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "sink-cert.pem", directory / "sink-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Sink:
    """The handler: keeps every accepted message (parsed), answers ``faults[address]`` codes
    (one per attempt) for a recipient, and drops the connection during the data of the
    messages to addresses in ``drop_once``."""

    def __init__(self):
        self.messages = []
        self.faults: dict[str, list[int]] = {}
        self.drop_once: set[str] = set()
        self.connections = 0
        self.sessions = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if session.peer not in self.sessions:  # EHLO again after STARTTLS: same peer
            self.sessions.add(session.peer)
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        codes = self.faults.get(address)
        if codes:
            code = codes.pop(0)
            return f"{code} {'4.3.0 try again later' if code < 500 else '5.1.1 no such user'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.drop_once:
            self.drop_once -= set(envelope.rcpt_tos)
            server.transport.close()  # before any reply: the client never hears 250
            return "250 never heard"
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cert_path: Path, key_path: Path, handler=None, port: int | None = None):
    """(controller, handler): a sink on loopback requiring STARTTLS then AUTH (``USER``,
    ``PASSWORD``) with the certificate given; ``handler`` defaults to a new ``Sink`` (the
    benchmark passes one that only counts)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    sink = Sink() if handler is None else handler
    controller = Controller(sink, hostname="127.0.0.1", port=port or free_port(),
                            tls_context=context,
                            require_starttls=True, authenticator=_authenticate,
                            auth_required=True)
    controller.start()
    return controller, sink
