"""What each feature holds about a person: exported on request, erased with the account.

Each feature answers for its own data on the signals of ``server.signals`` (connected in its
``__init__.py``); erasure itself is done by ``ON DELETE CASCADE`` foreign keys to ``users``,
and by the receivers of ``account_deleting`` for a table kept without one (``deliveries``).
"""
from __future__ import annotations

from server import signals
from server.accounts.models import User


def export_user_data(user: User, profile: dict) -> dict:
    data = {"profile": profile}
    for _receiver, (section, section_data) in signals.user_data_export.send(user):
        data[section] = section_data
    return data


def withdraw_location_consent(user: User) -> None:
    signals.location_consent_withdrawn.send(user)
