"""Sensitive fields encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`).

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys, the first is the
current one; the others still decrypt), or embedded from ``instance/field_keys`` (generated on
first run, mode 0600). Columns declared ``EncryptedString`` / ``EncryptedFloat`` hold a Fernet
token as text; the ORM encrypts on write and decrypts on read, so SQL never sees plaintext
(and cannot filter or sort on these columns: only data that is read, never searched, is
encrypted). ``flask keys rotate-fields`` re-encrypts every value with the current key.
"""
from __future__ import annotations

import json
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

_cache: dict[tuple[str, ...], MultiFernet] = {}
_lock = threading.Lock()


def new_key() -> str:
    return Fernet.generate_key().decode()


def parse_keys(raw: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in raw.replace("\n", ",").split(",") if k.strip())
    if not keys:
        raise ValueError("no field encryption key given")
    for key in keys:
        Fernet(key)  # raises ValueError on a malformed key, at start rather than at first use
    return keys


def fernet(keys: tuple[str, ...] | None = None) -> MultiFernet:
    """The MultiFernet of the current app's keys (built once per key set)."""
    keys = keys or tuple(current_app.config["FIELD_ENCRYPTION_KEYS"])
    found = _cache.get(keys)
    if found is None:
        with _lock:
            found = _cache.setdefault(keys, MultiFernet([Fernet(k) for k in keys]))
    return found


def encrypt(text: str, keys: tuple[str, ...] | None = None) -> str:
    return fernet(keys).encrypt(text.encode()).decode()


def decrypt(token: str, keys: tuple[str, ...] | None = None) -> str:
    try:
        return fernet(keys).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("a field could not be decrypted with any configured key") from exc


def rotate(token: str, keys: tuple[str, ...] | None = None) -> str:
    """The same value under the current key (MultiFernet.rotate)."""
    return fernet(keys).rotate(token.encode()).decode()


class EncryptedString(TypeDecorator):
    """Text encrypted at rest. ``length`` is the plaintext limit (validated by the schemas)."""

    impl = Text
    cache_ok = True

    def __init__(self, length: int | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.length = length

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


class EncryptedFloat(EncryptedString):
    """A number (a coordinate) encrypted at rest; ``repr`` keeps every digit."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(repr(float(value)))

    def process_result_value(self, value, dialect):
        return None if value is None else float(decrypt(value))


class EncryptedJSON(EncryptedString):
    """A small JSON value (e.g. an exact position ``{"lat", "lon", "accuracy"}``) encrypted at
    rest as one token: one token per row is shorter than one per number."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(json.dumps(value, separators=(",", ":")))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(decrypt(value))


# table -> columns stored encrypted; the migration and the key rotation walk this list.
ENCRYPTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "trips": ("emergency_contact_name", "emergency_contact_phone"),
    "companions": ("name", "phone"),
    "sos_cases": ("message", "lat", "lon", "accuracy"),
    "sos_positions": ("lat", "lon", "accuracy"),
    "sos_follow_ups": ("text",),
    "devices": ("fix",),  # lat / lon there are the plain ~1 km cell the audience SQL needs
    "rollcall_answers": ("lat", "lon", "accuracy"),
    "rollcall_recipients": ("lat", "lon", "accuracy"),
    "sms_messages": ("text",),
    "sms_inbox": ("text",),
}


def rotate_all(connection, batch: int = 500) -> int:
    """Re-encrypt every encrypted value with the current key; returns how many changed.

    Runs on raw tokens (no decrypt-then-encrypt through the ORM) in keyset pages by id.
    """
    from sqlalchemy import column, select, table, update

    changed = 0
    for name, columns in ENCRYPTED_COLUMNS.items():
        t = table(name, column("id"), *(column(c) for c in columns))
        last = 0
        while True:
            rows = connection.execute(select(t).where(t.c.id > last).order_by(t.c.id)
                                      .limit(batch)).all()
            if not rows:
                break
            for row in rows:
                values = {c: rotate(getattr(row, c)) for c in columns
                          if getattr(row, c) is not None}
                if values:
                    connection.execute(update(t).where(t.c.id == row.id).values(**values))
                    changed += 1
            last = rows[-1].id
    return changed
