"""What each feature holds about a person: exported on request, erased with the account.

Features are listed by import path so accounts does not import them at module load;
erasure itself is done by ``ON DELETE CASCADE`` foreign keys to ``users``.
"""
from __future__ import annotations

from werkzeug.utils import import_string

from server.accounts.models import User

# section name -> "module:function" taking the user and returning JSON-ready data.
EXPORTERS: dict[str, str] = {
    "trips": "server.trips.services:export_for_user",
    "sos": "server.sos.services:export_for_user",
    "devices": "server.devices.services:export_for_user",
    "rollcall_answers": "server.rollcall.answers:export_for_user",
}

# Called when the user withdraws consent to location sharing.
LOCATION_FORGETTERS: list[str] = [
    "server.devices.services:forget_locations",
    "server.rollcall.answers:forget_locations",
]


def export_user_data(user: User, profile: dict) -> dict:
    data = {"profile": profile}
    for section, path in EXPORTERS.items():
        data[section] = import_string(path)(user)
    return data


def withdraw_location_consent(user: User) -> None:
    for path in LOCATION_FORGETTERS:
        import_string(path)(user)
