"""A device's position in clear is only its 0.01° cell (server/devices/models.py): the alert
audience filters on the cell, so a device near a circle's edge may land on the wrong side of
it, by less than half the cell's diagonal (about 0.8 km). These tests pin that trade-off."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.accounts.models import User
from server.alerts import services
from server.broadcast import audience
from server.db import db
from server.devices.models import cell

# A circle whose northern edge is at 48.0 + radius / 111.195 km per degree of latitude.
CENTRE = (48.0, 2.0)


def _circle_alert(radius_km: float):
    admin = User(id=None, role="admin", embassy_id=None, email="admin@example.org")
    now = datetime.now(UTC)
    return services.create_alert(admin, {
        "msg_type": "Alert", "status": "Actual", "category": "Safety", "event": "Storm",
        "urgency": "Immediate", "severity": "Moderate", "certainty": "Observed",
        "effective": now, "expires": now + timedelta(hours=6), "references": None,
        "texts": [{"language": "en", "headline": "h", "description": "d", "instruction": None,
                   "web": None}],
        "areas": [{"kind": "circle", "lat": CENTRE[0], "lon": CENTRE[1],
                   "radius_km": radius_km}]})


def _reached(alert) -> set[int]:
    return {row.user_id for row in db.session.execute(audience.audience(alert))}


def test_the_cell_is_the_fix_rounded_to_a_hundredth_of_a_degree():
    assert (cell(48.856613), cell(2.352222), cell(-33.868820), cell(179.996)) == (
        48.86, 2.35, -33.87, 180.0)
    assert abs(cell(48.855) - 48.855) <= 0.005


@pytest.mark.parametrize("radius_km, lat, reached, why", [
    (9.95, 48.0840, True, "well inside: the cell (48.08) is inside too"),
    (9.95, 48.0870, False, "270 m inside the edge, its cell (48.09) is 60 m outside"),
    (10.05, 48.0940, True, "400 m outside the edge, its cell (48.09) is 40 m inside"),
    (10.05, 48.1100, False, "2 km outside: the cell is outside too"),
])
def test_near_an_edge_the_cell_decides(create_traveler, radius_km, lat, reached, why):
    user, _ = create_traveler(consent=True, position=(lat, CENTRE[1]))
    assert (user.id in _reached(_circle_alert(radius_km))) is reached, why
