"""Public exports: CAP 1.2 XML of sent alerts and an Atom feed linking them."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from tests.alerts.helpers import alert_body, create_and_send

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
AREAS = ({"kind": "country", "code": "FR"},
         {"kind": "circle", "lat": 48.85, "lon": 2.35, "radius_km": 10},
         {"kind": "polygon", "ring": [[48.7, 2.2], [48.7, 2.5], [49.0, 2.5], [48.7, 2.2]]})


def _parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314  (the server's own output)


def test_cap_xml_of_a_sent_alert_has_the_fields(auth, client):
    staff, _ = auth.staff("admin")
    alert = create_and_send(staff, alert_body(*AREAS))
    response = client.get(f"/api/alerts/{alert['id']}.cap")
    assert response.status_code == 200 and response.mimetype == "application/cap+xml"
    root = _parse(response.data)
    assert root.tag == f"{CAP}alert"
    assert root.findtext(f"{CAP}identifier") == alert["identifier"]
    assert root.findtext(f"{CAP}status") == "Actual"
    assert root.findtext(f"{CAP}msgType") == "Alert"
    assert root.findtext(f"{CAP}sent").endswith("-00:00")
    infos = root.findall(f"{CAP}info")
    assert [i.findtext(f"{CAP}language") for i in infos] == ["en", "zh-Hans"]
    info = infos[0]
    for tag, value in (("category", "Safety"), ("event", "Civil unrest"),
                       ("urgency", "Immediate"), ("severity", "Moderate"),
                       ("certainty", "Observed"), ("headline", "Stay indoors")):
        assert info.findtext(f"{CAP}{tag}") == value
    area = info.find(f"{CAP}area")
    assert "France" in area.findtext(f"{CAP}areaDesc")
    assert area.findtext(f"{CAP}circle") == "48.85,2.35 10"
    assert area.findtext(f"{CAP}polygon") == "48.7,2.2 48.7,2.5 49,2.5 48.7,2.2"
    assert area.find(f"{CAP}geocode").findtext(f"{CAP}value") == "FR"


def test_cancel_references_the_original_in_cap(auth, client):
    staff, _ = auth.staff("admin")
    alert = create_and_send(staff, alert_body())
    notice = staff.post(f"/api/staff/alerts/{alert['id']}/cancel").json
    root = _parse(client.get(f"/api/alerts/{notice['id']}.cap").data)
    assert root.findtext(f"{CAP}msgType") == "Cancel"
    assert alert["identifier"] in root.findtext(f"{CAP}references")


def test_drafts_and_test_alerts_are_not_published(auth, client):
    staff, _ = auth.staff("admin")
    draft = staff.post("/api/staff/alerts", json=alert_body()).json
    test = create_and_send(staff, alert_body(status="Test"))
    assert client.get(f"/api/alerts/{draft['id']}.cap").status_code == 404
    assert client.get(f"/api/alerts/{test['id']}.cap").status_code == 404
    feed = _parse(client.get("/api/alerts/feed.atom").data)
    assert feed.findall(f"{ATOM}entry") == []


def test_atom_feed_lists_recent_public_alerts_linking_their_cap(auth, client):
    staff, _ = auth.staff("admin")
    first = create_and_send(staff, alert_body())
    second = create_and_send(staff, alert_body(status="Exercise"))
    response = client.get("/api/alerts/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = _parse(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"urn:uuid:{second['identifier']}", f"urn:uuid:{first['identifier']}"]
    link = entries[0].find(f"{ATOM}link")
    assert link.get("type") == "application/cap+xml"
    assert link.get("href").endswith(f"/api/alerts/{second['id']}.cap")
    assert entries[0].findtext(f"{ATOM}title") == "Stay indoors"


def test_feed_and_links_use_the_configured_public_url_not_the_host_header(
        app, auth, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://consular.example.gov")
    staff, _ = auth.staff("admin")
    alert = create_and_send(staff, alert_body())
    feed = _parse(client.get("/api/alerts/feed.atom", headers={"Host": "127.0.0.1:8080"}).data)
    assert feed.findtext(f"{ATOM}id") == "https://consular.example.gov/api/alerts/feed.atom"
    assert feed.find(f"{ATOM}link").get("href") == feed.findtext(f"{ATOM}id")
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == (
        f"https://consular.example.gov/api/alerts/{alert['id']}.cap")
