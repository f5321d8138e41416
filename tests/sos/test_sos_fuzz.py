"""Any JSON to the SOS endpoints: never a server error, and a valid SOS still lands after it."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sos.helpers import sos_body

VALUES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) \
    | st.uuids().map(str) | st.datetimes().map(lambda d: d.isoformat())
FIELDS = st.sampled_from(["client_uuid", "raised_at", "recorded_at", "message", "lat", "lon",
                          "accuracy", "trip_id"])
BODIES = st.dictionaries(FIELDS, VALUES | st.lists(VALUES, max_size=2), max_size=6)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=BODIES)
def test_no_server_error_for_any_sos_body(client, auth, body):
    if client.get("/api/me").status_code == 401:
        auth.signup(client)
    response = client.post("/api/sos", json=body)
    assert response.status_code < 500, (body, response.json)
    if response.status_code in (200, 201):
        uid = response.json["client_uuid"]
        position = client.post(f"/api/sos/{uid}/positions", json=body)
        assert position.status_code < 500, (body, position.json)
    assert client.post("/api/sos", json=sos_body()).status_code == 201
