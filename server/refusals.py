"""What a service refuses, said without HTTP.

Services raise these; the web layer (``server/errors.py``) answers each in the one error shape
with its status, and a task or the CLI catches them as they are. A refusal may name the field
at fault (and where it was: ``json``, ``query``...), so a client can show the message there.
"""
from __future__ import annotations


class Refusal(Exception):
    def __init__(self, message=None, *, field: str | None = None, location: str = "json",
                 errors: dict | None = None, retry_after: int | None = None):
        super().__init__(str(message) if message is not None else type(self).__name__)
        self.message = message
        self.field = field
        self.location = location
        self.errors = errors  # {location: {field: [messages]}} for several fields at once
        self.retry_after = retry_after


class NotFound(Refusal):
    """No such object, or not one the caller may know of."""


class Forbidden(Refusal):
    """The caller may not do this."""


class Conflict(Refusal):
    """Not in the object's current state."""


class Gone(Refusal):
    """It existed and is over for good (a closed crisis page)."""


class Invalid(Refusal):
    """A value the caller sent is not acceptable."""


class Unauthenticated(Refusal):
    """The credentials do not prove who the caller is."""


class Throttled(Refusal):
    """Too many attempts; try again after ``retry_after`` seconds."""
