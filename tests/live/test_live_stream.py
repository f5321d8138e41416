"""The live hub and stream: scoped by mission, replayed after Last-Event-ID, heartbeats."""
from server.live import stream
from server.live.hub import Hub


def drain(hub, **kwargs):
    return list(stream.events(hub, seconds=0.05, heartbeat=0.02, **kwargs))


def test_stream_replays_only_my_missions_events_after_last_event_id():
    hub = Hub()
    first = hub.publish("sos.new", 1, {"case": 10})
    hub.publish("sos.new", 2, {"case": 11})
    hub.publish("sos.changed", 1, {"case": 10})
    frames = drain(hub, mission=1, everything=False, last_id=first["id"])
    body = "".join(frames)
    assert "event: sos.changed" in body and '"case": 11' not in body
    assert "event: sos.new" not in body
    assert frames[-1] == ": heartbeat\n\n"


def test_a_console_that_just_opened_hears_only_what_happens_from_now():
    hub = Hub()
    hub.publish("sos.new", 1, {"case": 10})  # before it opened: on its pages already
    latest = hub.publish("sos.changed", 1, {"case": 10})
    frames = drain(hub, mission=1, everything=False, last_id=None)
    assert frames[0] == f"retry: 2000\nid: {latest['id']}\n\n"  # kept by the browser
    assert "event:" not in "".join(frames)


def test_admin_stream_sees_every_mission_and_the_default_queue():
    hub = Hub()
    hub.publish("sos.new", None, {"case": 1})
    hub.publish("sos.new", 2, {"case": 2})
    body = "".join(drain(hub, mission=None, everything=True, last_id=0))
    assert body.count("event: sos.new") == 2


def test_staff_without_mission_sees_nothing():
    hub = Hub()
    hub.publish("sos.new", None, {"case": 1})
    assert "event:" not in "".join(drain(hub, mission=None, everything=False, last_id=0))


def test_events_endpoint_is_documented_as_event_stream(client):
    spec = client.get("/api/openapi.json").json
    content = spec["paths"]["/api/staff/events"]["get"]["responses"]["200"]["content"]
    assert "text/event-stream" in content
