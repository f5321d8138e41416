"""Who may call each new staff endpoint: anonymous 401, travelers 403, then by staff role."""
import pytest

from tests.auth import STAFF_PASSWORD

OK = 200
STAFF = {"viewer": OK, "officer": OK, "admin": OK}
ADMIN = {"viewer": 403, "officer": 403, "admin": OK}
ENDPOINTS = [
    ("get", "/api/staff/me", None, STAFF),
    ("get", "/api/staff/users", None, ADMIN),
    ("post", "/api/staff/users", "new", {**ADMIN, "admin": 201}),
    ("get", "/api/staff/users/{me}", None, ADMIN),
    ("patch", "/api/staff/users/{other}", {"disabled": False}, ADMIN),
    ("get", "/api/staff/audit", None, ADMIN),
    ("get", "/api/staff/travelers/summary", None, STAFF),
    ("get", "/api/staff/travelers?q=li", None, STAFF),
    ("get", "/api/staff/travelers/{traveler}", None, STAFF),
]


def _call(client, method, path, body, ids):
    if body == "new":
        body = {"email": f"new-{ids['me']}@example.org", "name": "New", "role": "admin",
                "password": STAFF_PASSWORD}
    return client.open(path.format(**ids), method=method.upper(), json=body)


@pytest.fixture
def world(client, auth, create_trip):
    from tests.conftest import leg

    traveler = auth.signup(client)
    create_trip(client, leg("FR"))
    _, other = auth.staff("viewer", "fr-paris")
    return {"traveler": traveler["id"], "other": other.id}


@pytest.mark.parametrize("method,path,body,allowed", ENDPOINTS)
@pytest.mark.parametrize("role", ["viewer", "officer", "admin"])
def test_staff_roles(world, auth, method, path, body, allowed, role):
    staff, user = auth.staff(role, None if role == "admin" else "fr-paris")
    response = _call(staff, method, path, body, {**world, "me": user.id})
    assert response.status_code == allowed[role], response.json


@pytest.mark.parametrize("method,path,body,allowed", ENDPOINTS)
def test_travelers_are_refused(world, client, method, path, body, allowed):
    response = _call(client, method, path, body, {**world, "me": world["traveler"]})
    assert response.status_code == 403


@pytest.mark.parametrize("method,path,body,allowed", ENDPOINTS)
def test_anonymous_callers_are_refused(world, auth, method, path, body, allowed):
    other_client = auth.client()
    response = _call(other_client, method, path, body, {**world, "me": 1})
    assert response.status_code == 401


def test_an_officer_elsewhere_cannot_read_the_traveler(world, auth):
    berlin, _ = auth.staff("officer", "de-berlin")
    assert berlin.get(f"/api/staff/travelers/{world['traveler']}").status_code == 404
    assert berlin.get("/api/staff/travelers?q=li").json == []
