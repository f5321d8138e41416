"""The staff SOS views name where the case is, from its position ("4 km NE of Paris")."""
from tests.sos.helpers import sos_body


def _raise(client, auth, **position):
    auth.signup(client, language="en")
    response = client.post("/api/sos", json=sos_body(message="Help", **position))
    assert response.status_code == 201, response.json
    return response.json


def test_staff_see_the_cases_place(client, auth, monkeypatch):
    from server.broadcast import direct

    monkeypatch.setattr(direct, "send_to_person", lambda *args: None)
    staff, _user = auth.staff("viewer", "fr-paris")  # the mission the case is routed to
    mine = _raise(client, auth, lat=48.88, lon=2.38, accuracy=30)
    assert "place" not in mine  # the traveler's own view is unchanged
    queue = staff.get("/api/staff/sos").json
    assert [(c["place"], c["accuracy"]) for c in queue] == [("4 km NE of Paris", 30)]
    detail = staff.get(f"/api/staff/sos/{queue[0]['id']}").json
    assert detail["place"] == "4 km NE of Paris"

    assert staff.patch("/api/staff/me", json={"language": "ar"}).status_code == 200
    assert staff.get("/api/staff/sos").json[0]["place"] == "4 كم شمال شرق باريس"


def test_a_case_without_position_has_no_place(client, auth, monkeypatch):
    from server.broadcast import direct

    monkeypatch.setattr(direct, "send_to_person", lambda *args: None)
    _raise(client, auth)
    staff, _user = auth.staff("admin")
    assert [c["place"] for c in staff.get("/api/staff/sos").json] == [None]
