"""Time-based one-time codes (RFC 6238) for staff sign-in, and the enrolment QR code.

No Flask in here: the sign-in service decides what to store and when.
"""
from __future__ import annotations

import hmac
import re
from datetime import datetime

import pyotp
import segno

# One step either side of the server's clock: a phone a little fast or slow still works.
VALID_WINDOW = 1
CODE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """A fresh 160-bit base32 secret (the size RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg_data_uri(uri: str) -> str:
    """The URI as a QR code, an SVG ``data:`` URI made locally (nothing leaves the server)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def matching_counter(secret: str, code: str, at: datetime, after: int | None) -> int | None:
    """The time step ``code`` belongs to, if it is valid at ``at`` and later than ``after``.

    Steps at or before ``after`` (the last code accepted) are refused: a code works once.
    """
    code = (code or "").replace(" ", "")
    if not CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at)
    for counter in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if (after is None or counter > after) and hmac.compare_digest(
                code, totp.generate_otp(counter)):
            return counter
    return None
