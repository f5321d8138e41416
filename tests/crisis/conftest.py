"""Crisis sign-up fixtures: the roll-call ones (eager Celery, travelers, staff), the SMS
outbox, a staff member's roll call with its crisis page, registration bodies."""
from __future__ import annotations

import uuid

import pytest

from tests.alerts.conftest import (  # noqa: F401  (fixtures)
    create_traveler,
    new_client,
    push_config,
    receiver,
)
from tests.rollcall.conftest import as_traveler, start, traveler  # noqa: F401  (fixtures)
from tests.sms.conftest import outbox  # noqa: F401  (fixture)


def registration_body(answer="safe", **fields):
    return {"client_uuid": str(uuid.uuid4()), "name": "Amina Haddad",
            "phone": "+33 6 12 34 56 78", "place": "Hotel Lutetia, Paris",
            "answer": answer, **fields}


@pytest.fixture
def crisis_page(staff_client):
    """An officer of fr-paris, their open roll call and its crisis page: (staff, rollcall, page)."""

    def _make(embassy_key="fr-paris", *areas, **kwargs):
        staff, _user = staff_client("officer", embassy_key)
        rollcall = start(staff, *areas, **kwargs)
        response = staff.post(f"/api/staff/rollcalls/{rollcall['id']}/crisis-page")
        assert response.status_code == 201, response.json
        return staff, rollcall, response.json

    return _make
