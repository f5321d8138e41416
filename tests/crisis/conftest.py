"""Crisis sign-up fixtures: pushes, travelers and the SMS outbox are shared (tests/fixtures/);
a staff member's roll call with its crisis page, registration bodies."""
from __future__ import annotations

import uuid

import pytest

from tests.rollcall.helpers import start


@pytest.fixture(autouse=True)
def _push(push_config):
    """Every test here pushes to the local receiver, tasks run inline (tests/fixtures/push.py)."""


def registration_body(answer="safe", **fields):
    return {"client_uuid": str(uuid.uuid4()), "name": "Amina Haddad",
            "phone": "+33 6 12 34 56 78", "place": "Hotel Lutetia, Paris",
            "answer": answer, **fields}


@pytest.fixture
def crisis_page(auth):
    """An officer of fr-paris, their open roll call and its crisis page: (staff, rollcall, page)."""

    def _make(embassy_key="fr-paris", *areas, **kwargs):
        staff, _user = auth.staff("officer", embassy_key)
        rollcall = start(staff, *areas, **kwargs)
        response = staff.post(f"/api/staff/rollcalls/{rollcall['id']}/crisis-page")
        assert response.status_code == 201, response.json
        return staff, rollcall, response.json

    return _make
