"""A fast loopback push service for the benchmarks: answers every POST with 201, no checks.

Raw asyncio on uvloop (no framework) so the receiver costs little CPU next to the sender (it
shares the machine's cores); HTTP/1.1 keep-alive, optional TLS. It is honest about the work a
push service cannot skip: every request is read whole (headers and the Content-Length body)
before its 201 goes out. Run: ``python -m bench.receiver [--tls CERT KEY]``; it prints
``PORT <n>`` and serves until terminated. ``GET /count`` answers the number of POSTs seen.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import re
import ssl
import sys
from datetime import UTC, datetime, timedelta

import uvloop

_LENGTH = re.compile(rb"content-length:\s*(\d+)")
CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nLocation: /m\r\n\r\n"


class PushService(asyncio.Protocol):
    count = 0

    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            found = _LENGTH.search(head)
            length = int(found.group(1)) if found else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            if head.startswith(b"get /count"):
                body = str(PushService.count).encode()
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                                     % (len(body), body))
            else:
                PushService.count += 1
                self.transport.write(CREATED)


def self_signed(directory: str) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and localhost, and its key: (cert path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "compatriot bench push")])
    now = datetime.now(UTC)
    san = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


async def serve(tls: tuple[str, str] | None) -> None:
    context = None
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
    server = await asyncio.get_running_loop().create_server(
        PushService, "127.0.0.1", 0, ssl=context, backlog=1024)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    try:
        uvloop.run(serve(tuple(args.tls) if args.tls else None))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
