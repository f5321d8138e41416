"""Creation endpoints that a phone may replay (SOS, its positions, roll-call answers).

The phone retries until it gets an answer, so the same request can arrive twice: the first
creates the record (201), a replay returns the stored one (200), both in the same schema.
"""
from __future__ import annotations

import functools

from server.blueprint import Blueprint


def created_or_replayed(blp: Blueprint, schema, *, created: str, replayed: str):
    """Document and answer 201 (``created``) or 200 (``replayed``) with ``schema``; the view
    returns ``(record, was_created)``."""
    def decorate(view):
        @functools.wraps(view)
        def answer(*args, **kwargs):
            record, was_created = view(*args, **kwargs)
            return record, 201 if was_created else 200

        documented = blp.alt_response(200, schema=schema, success=True,
                                      description=replayed)(answer)
        return blp.response(201, schema, description=created)(documented)

    return decorate
