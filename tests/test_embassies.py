"""The mission directory: serving rules, public API, and the all-or-nothing import."""
import json

from sqlalchemy import func, select

from server.db import db
from server.embassies import services
from server.embassies.models import Embassy


def test_most_specific_jurisdiction_serves(app, create_mission):
    embassy = create_mission("us-washington", "US", ["US"])
    consulate = create_mission("us-la", "US", ["US-CA", "US-AZ"], kind="consulate_general")
    assert services.serving("US", "US-CA") == consulate
    assert services.serving("US", "US-TX") == embassy
    assert services.serving("US") == embassy
    assert services.serving("BT") is None
    # Several places in one look-up, in order (an SOS asks for its position's and its stay's).
    assert services.serving_each([("US", "US-TX"), None, ("BT", None), ("US", "US-AZ"),
                                  ("US", None)]) == [embassy, None, None, consulate, embassy]
    assert services.serving_each([None, None]) == [None, None]


def test_serving_api(client, create_mission):
    create_mission("fr-paris", "FR", ["FR", "MC"])
    response = client.get("/api/embassies/serving?country=MC")
    assert response.status_code == 200 and response.json["key"] == "fr-paris"
    assert client.get("/api/embassies/serving?country=BT").status_code == 404
    bad = client.get("/api/embassies/serving?country=ZZ&lat=99")
    assert bad.status_code == 422 and set(bad.json["errors"]["query"]) == {"country", "lat"}
    assert client.get("/api/embassies/serving").status_code == 422


def test_directory_is_public_and_localized(client, create_mission):
    create_mission("jp-tokyo", "JP", ["JP"], names={"zh_Hans": "驻日本大使馆"})
    listed = client.get("/api/embassies?country=JP", headers={"Accept-Language": "zh-CN"}).json
    assert listed[0]["name"] == "驻日本大使馆" and listed[0]["country_name"] == "日本"
    one = client.get(f"/api/embassies/{listed[0]['id']}").json
    assert one["jurisdiction"] == ["JP"]
    assert client.get("/api/embassies/999999").status_code == 404


def _mission_row(key="ke-nairobi", **fields):
    return {"key": key, "kind": "embassy", "name": "Embassy in Kenya (sample)", "country": "KE",
            "city": "Nairobi", "jurisdiction": ["KE"], "address": "1 Sample Road",
            "phone": "+254 20 1234567", "emergency_phone": "+254 20 1234568",
            "email": "ke@example.org", **fields}


def test_import_cli_is_all_or_nothing(app, tmp_path):
    path = tmp_path / "missions.json"
    path.write_text(json.dumps([_mission_row(), _mission_row("bad", jurisdiction=["QQ"],
                                                             phone="12")]))
    result = app.test_cli_runner().invoke(args=["embassies", "import", str(path)])
    assert result.exit_code != 0
    assert "row 2: jurisdiction" in result.output and "row 2: phone" in result.output
    assert db.session.scalar(select(func.count()).select_from(Embassy)) == 0


def test_import_cli_reads_csv_and_updates_by_key(app, tmp_path):
    path = tmp_path / "missions.csv"
    header = "key,kind,name,country,city,jurisdiction,address,phone,emergency_phone,email\n"
    row = "us-ny,consulate_general,CG New York,US,New York,US-NY;US-NJ,1 Sample St,"
    path.write_text(header + row + "+1 212 555 0100,+1 212 555 0101,ny@example.org\n")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["embassies", "import", str(path)]).exit_code == 0
    assert runner.invoke(args=["embassies", "import", str(path)]).exit_code == 0
    missions = db.session.scalars(select(Embassy)).all()
    assert len(missions) == 1 and missions[0].jurisdiction == ["US-NJ", "US-NY"]


def test_sample_directory_imports_cleanly(app):
    rows = services.read_rows(services.SAMPLE_FILE)
    missions, errors = services.validate_rows(rows)
    assert errors == {}
    assert len(missions) >= 20 and len({m["country"] for m in missions}) >= 15
    assert all("(sample)" in m["name"] for m in missions)


def test_serving_by_position_resolves_the_country_offline(client, create_mission):
    create_mission("jp-tokyo", "JP", ["JP"])
    response = client.get("/api/embassies/serving?lat=35.6762&lon=139.6503")
    assert response.status_code == 200 and response.json["key"] == "jp-tokyo"
    at_sea = client.get("/api/embassies/serving?lat=0&lon=-30")
    assert at_sea.status_code == 422 and "country" in at_sea.json["errors"]["query"]
