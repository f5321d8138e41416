"""Sign staff in the real way: password, then enrolment of a TOTP authenticator (pyotp)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pyotp

STAFF_PASSWORD = "a long staff password"


def secret_of(otpauth_uri: str) -> str:
    return parse_qs(urlparse(otpauth_uri).query)["secret"][0]


def enrol(client, email: str, password: str = STAFF_PASSWORD) -> str:
    """First sign-in of a staff account: scan the QR code, confirm a code. Returns the secret."""
    started = client.post("/api/staff/auth/login", json={"email": email, "password": password})
    assert started.status_code == 200 and started.json["enrolment_required"], started.json
    secret = secret_of(started.json["otpauth_uri"])
    done = client.post("/api/staff/auth/enrol", json={
        "email": email, "password": password, "totp": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.json
    return secret
