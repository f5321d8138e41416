"""Sensitive fields are encrypted at rest: the database holds Fernet tokens, the API and the
ORM see plaintext, keys rotate, and the migrations encrypt rows written before them.

Positions: a device keeps only the ~1 km cell of its last fix in clear (the alert audience
filters on it), the exact fix is a token; roll-call answer positions are tokens."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from server import crypto
from server.db import db, utcnow
from server.devices.models import Device
from server.rollcall.exports import CALL_CENTRE_COLUMNS
from server.rollcall.models import RollCallAnswer
from server.sos.models import SosCase
from server.trips.models import Companion, Trip
from tests.conftest import TEST_FIELD_KEY, leg, make_test_app
from tests.pushreceiver import make_subscription
from tests.rollcall.helpers import answer_body, start
from tests.sos.helpers import sos_body

pytestmark = pytest.mark.usefixtures("push_config")  # the roll calls here push
MIGRATION = "2a8f8bde3ba6"
POSITIONS_MIGRATION = "eea30e47b7bb"
EXACT = {"lat": 48.856613, "lon": 2.352222, "accuracy": 12.5}  # a door in Paris
CELL = (48.86, 2.35)  # what devices.lat / devices.lon hold: 0.01 degree
TOWER = {"lat": 48.858370, "lon": 2.294481, "accuracy": 8.0}


def _raw(sql: str, **params):
    return db.session.execute(text(sql), params).one()


def _is_token(value) -> bool:
    return isinstance(value, str) and value.startswith("gAAAAA")  # Fernet version byte


def test_raw_rows_hold_ciphertext_and_the_api_plaintext(client, auth, create_trip):
    auth.signup(client)
    trip = create_trip(client, leg("FR"), companions=[
        {"name": "Zhou Li", "phone": "+8613700137000", "relationship": "spouse"}])
    sos = client.post("/api/sos", json=sos_body(lat=48.8566, lon=2.3522, accuracy=12.5,
                                                 message="Lost in the metro"))
    assert sos.status_code == 201
    row = _raw("SELECT emergency_contact_name, emergency_contact_phone FROM trips "
               "WHERE id = :id", id=trip["id"])
    assert all(_is_token(v) for v in row)
    assert "Wang Fang" not in str(row) and "+8613900139000" not in str(row)
    companion = _raw("SELECT name, phone, relationship FROM companions WHERE trip_id = :id",
                     id=trip["id"])
    assert _is_token(companion.name) and _is_token(companion.phone)
    assert companion.relationship == "spouse"  # not sensitive: left plain
    case = _raw("SELECT message, lat, lon, accuracy FROM sos_cases WHERE client_uuid = :u",
                u=sos.json["client_uuid"])
    assert all(_is_token(v) for v in case) and "metro" not in str(case)
    trail = _raw("SELECT lat, lon FROM sos_positions")
    assert all(_is_token(v) for v in trail)
    # Through the ORM and the API: plaintext, numbers as numbers.
    again = client.get(f"/api/trips/{trip['id']}").json
    assert again["emergency_contact"] == {"name": "Wang Fang", "phone": "+8613900139000",
                                          "phone_display": "+86 139 0013 9000",
                                          "email": None, "language": "en", "consent": False}
    assert again["companions"][0]["name"] == "Zhou Li"
    stored = db.session.query(SosCase).filter_by(client_uuid=sos.json["client_uuid"]).one()
    assert (stored.message, stored.lat, stored.lon, stored.accuracy) == (
        "Lost in the metro", 48.8566, 2.3522, 12.5)
    assert stored.positions[0].lat == 48.8566


def _digits(row) -> str:
    """Every value of a raw row as text, to look for an exact coordinate in it."""
    return " ".join(str(v) for v in tuple(row))


def _place_device(client, receiver) -> dict:
    """Consent, subscribe and send the exact fix, as the app does: the device as returned."""
    client.patch("/api/me", json={"location_consent": True})
    device = client.post("/api/devices",
                         json=make_subscription(receiver, "phone").as_json()).json
    stored = client.put(f"/api/devices/{device['id']}/position", json=EXACT)
    assert stored.status_code == 200, stored.json
    return stored.json


def test_a_device_keeps_its_cell_in_clear_and_its_exact_fix_encrypted(client, auth, receiver):
    auth.signup(client)
    device = _place_device(client, receiver)
    assert {k: device[k] for k in EXACT} == EXACT  # the API answers with the exact fix
    row = _raw("SELECT * FROM devices WHERE id = :id", id=device["id"])
    assert (row.lat, row.lon) == CELL and row.position_country == "FR"
    assert _is_token(row.fix) and "accuracy" not in row._mapping
    assert "48.8566" not in _digits(row) and "2.3522" not in _digits(row)
    assert "12.5" not in _digits(row)
    assert db.session.get(Device, device["id"]).exact == EXACT
    exported = client.get("/api/me/export").json["devices"][0]
    assert {k: exported[k] for k in EXACT} == EXACT
    # Withdrawing consent erases both the cell and the encrypted fix.
    client.patch("/api/me", json={"location_consent": False})
    row = _raw("SELECT lat, lon, fix, position_at, position_country FROM devices "
               "WHERE id = :id", id=device["id"])
    assert tuple(row) == (None,) * 5


def _answer_with_position(auth, traveler):
    """A roll call in Paris: one traveler answers "help" from EXACT, one stays silent with a
    device fixed at TOWER. Returns (staff client, roll call, answering user, silent user)."""
    staff, _ = auth.staff("officer", "fr-paris")
    answering, _ = traveler("FR", "Paris")
    silent, devices = traveler("FR", "Paris")
    devices[0][0].place(*TOWER.values(), utcnow(), "FR")
    db.session.flush()
    rollcall = start(staff)
    answered = auth.traveler(answering).post(f"/api/rollcalls/{rollcall['id']}/answer",
                                             json=answer_body("help", **EXACT))
    assert answered.status_code == 201, answered.json
    return staff, rollcall, answering, silent


def test_roll_call_positions_are_encrypted_and_staff_read_them_exactly(auth, traveler):
    staff, rollcall, answering, silent = _answer_with_position(auth, traveler)
    for table in ("rollcall_answers", "rollcall_recipients"):
        row = _raw(f"SELECT lat, lon, accuracy FROM {table} WHERE user_id = :u",  # noqa: S608
                   u=answering.id)
        assert all(_is_token(v) for v in row), table
    # The dashboard map, the call-centre CSV and the traveler's own export: exact, decrypted.
    board = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json
    assert board["points"] == [{"lat": EXACT["lat"], "lon": EXACT["lon"], "answer": "help"}]
    export = staff.get(f"/api/staff/rollcalls/{rollcall['id']}/export.csv")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    by_email = {row[3]: dict(zip(CALL_CENTRE_COLUMNS, row, strict=True)) for row in rows[1:]}
    position = ("last_lat", "last_lon", "last_accuracy_m", "last_position_source")
    assert tuple(by_email[answering.email][k] for k in position) == (
        "48.856613", "2.352222", "12.5", "answer")
    assert tuple(by_email[silent.email][k] for k in position) == (
        "48.85837", "2.294481", "8.0", "device")  # the exact fix, not the cell
    mine = auth.traveler(answering).get("/api/me/export").json["rollcall_answers"][0]
    assert (mine["lat"], mine["lon"], mine["accuracy"]) == tuple(EXACT.values())
    # Withdrawing consent erases them.
    withdrawn = auth.traveler(answering).patch("/api/me", json={"location_consent": False})
    assert withdrawn.status_code == 200, withdrawn.json
    for table in ("rollcall_answers", "rollcall_recipients"):
        row = _raw(f"SELECT lat, lon, accuracy FROM {table} WHERE user_id = :u",  # noqa: S608
                   u=answering.id)
        assert tuple(row) == (None, None, None), table


def test_the_same_value_encrypts_differently_each_time(app):
    with app.app_context():
        assert crypto.encrypt("+8613900139000") != crypto.encrypt("+8613900139000")


def _positions_raw(device_id: int) -> tuple:
    return (_raw("SELECT fix FROM devices WHERE id = :id", id=device_id)[0],
            *_raw("SELECT lat, lon, accuracy FROM rollcall_answers"),
            *_raw("SELECT lat, lon, accuracy FROM rollcall_recipients WHERE lat IS NOT NULL"))


def test_rotation_re_encrypts_with_the_new_key_and_old_keys_still_read(
        app, client, auth, create_trip, monkeypatch, receiver,
        traveler):
    auth.signup(client)
    trip = create_trip(client, leg("FR"))
    device = _place_device(client, receiver)
    _answer_with_position(auth, traveler)
    before = _raw("SELECT emergency_contact_name FROM trips WHERE id = :id", id=trip["id"])[0]
    positions_before = _positions_raw(device["id"])
    new = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEYS", (new, TEST_FIELD_KEY))
    # Old rows read with the old key still configured, before any rotation.
    assert client.get(f"/api/trips/{trip['id']}").json["emergency_contact"]["name"] == \
        "Wang Fang"
    result = app.test_cli_runner().invoke(args=["keys", "rotate-fields"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted" in result.output
    after = _raw("SELECT emergency_contact_name FROM trips WHERE id = :id", id=trip["id"])[0]
    assert after != before
    assert Fernet(new.encode()).decrypt(after.encode()) == b"Wang Fang"
    positions_after = _positions_raw(device["id"])
    assert len(positions_after) == 7
    for old_token, token in zip(positions_before, positions_after, strict=True):
        assert token != old_token and Fernet(new.encode()).decrypt(token.encode())
    # The old key can now be retired.
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEYS", (new,))
    assert client.get(f"/api/trips/{trip['id']}").json["emergency_contact"]["name"] == \
        "Wang Fang"
    with pytest.raises(InvalidToken):
        Fernet(TEST_FIELD_KEY.encode()).decrypt(after.encode())
    db.session.expire_all()
    assert db.session.get(Device, device["id"]).exact == EXACT
    assert db.session.scalar(select(RollCallAnswer.lat)) == EXACT["lat"]


def test_keys_come_from_the_environment_or_instance(monkeypatch, tmp_path):
    from server import config

    monkeypatch.delenv("FIELD_ENCRYPTION_KEYS", raising=False)
    generated = config.field_encryption_keys(str(tmp_path))
    assert len(generated) == 1 and (tmp_path / "field_keys").stat().st_mode & 0o777 == 0o600
    assert config.field_encryption_keys(str(tmp_path)) == generated  # kept
    one, two = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", f"{one}, {two}")
    assert config.field_encryption_keys(str(tmp_path)) == (one, two)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(ValueError):
        config.field_encryption_keys(str(tmp_path))


def test_the_migration_encrypts_existing_rows_and_downgrades(app, tmp_path_factory):
    """On a database of its own: rows written before the migration come out encrypted."""
    scratch = make_test_app(tmp_path_factory)
    app.extensions["celery"].set_default()
    if scratch.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("runs on a SQLite file of its own (PostgreSQL: the shared schema)")
    with scratch.app_context():
        upgrade(revision="f3661572b2ed")
        db.session.execute(text(
            "INSERT INTO users (id, email, password_hash, name, language, role, disabled, "
            "location_consent, session_token, failed_logins, created_at, updated_at) VALUES "
            "(1, 'old@example.org', 'x', 'Old', 'en', 'traveler', 0, 0, 't', 0, "
            "'2026-01-01', '2026-01-01')"))
        start = date.today() - timedelta(days=3)
        db.session.execute(text(
            "INSERT INTO trips (id, user_id, purpose, emergency_contact_name, "
            "emergency_contact_phone, start_date, end_date, version, created_at, updated_at) "
            "VALUES (1, 1, 'tourism', 'Wang Fang', '+8613900139000', :s, NULL, 1, "
            "'2026-01-01', '2026-01-01')"), {"s": start})
        db.session.execute(text("INSERT INTO companions (id, trip_id, name, phone) VALUES "
                                "(1, 1, 'Zhou Li', NULL)"))
        db.session.execute(text(
            "INSERT INTO sos_cases (id, client_uuid, user_id, user_name, state, message, "
            "raised_at, received_at, routed_by, lat, lon, accuracy, flagged, updated_at) VALUES "
            "(1, 'u-1', 1, 'Old', 'open', 'help me', '2026-01-01', '2026-01-01', 'position', "
            "48.85, 2.35, NULL, 0, '2026-01-01')"))
        db.session.execute(text(
            "INSERT INTO sos_positions (id, case_id, recorded_at, lat, lon, received_at) "
            "VALUES (1, 1, '2026-01-01', 48.85, 2.35, '2026-01-01')"))
        db.session.commit()
        upgrade(revision=MIGRATION)
        raw = _raw("SELECT emergency_contact_name, emergency_contact_phone FROM trips")
        assert all(_is_token(v) for v in raw)
        assert _is_token(_raw("SELECT lat FROM sos_positions")[0])
        assert _raw("SELECT accuracy FROM sos_cases")[0] is None  # NULL stays NULL
        # Only the columns of that revision (later ones add columns to trips and sos_cases).
        trip = db.session.execute(select(Trip.emergency_contact_name,
                                         Trip.emergency_contact_phone).where(Trip.id == 1)).one()
        assert tuple(trip) == ("Wang Fang", "+8613900139000")
        assert db.session.get(Companion, 1).name == "Zhou Li"
        case = db.session.execute(select(SosCase.message, SosCase.lat, SosCase.lon)
                                  .where(SosCase.id == 1)).one()
        assert tuple(case) == ("help me", 48.85, 2.35)
        db.session.rollback()
        downgrade(revision="f3661572b2ed")
        assert _raw("SELECT emergency_contact_name FROM trips")[0] == "Wang Fang"
        assert _raw("SELECT lat FROM sos_positions")[0] == 48.85
        db.session.rollback()
        db.engine.dispose()


def _insert(table: str, **values) -> None:
    """A raw row of ``table`` as the schema stands: NOT NULL columns not given get a filler."""
    from sqlalchemy import inspect

    for column in inspect(db.session.connection()).get_columns(table):
        if column["nullable"] or column["name"] in values or column["name"] == "id":
            continue
        kind = str(column["type"]).upper()
        values[column["name"]] = (
            0 if kind.startswith(("INT", "BOOL", "FLOAT", "REAL")) else
            "2026-01-01" if kind == "DATE" else
            "2026-01-01 00:00:00" if "DATE" in kind or "TIME" in kind else "x")
    names = ", ".join(values)
    db.session.execute(text(f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
                            f"({', '.join(':' + n for n in values)})"), values)


def test_the_positions_migration_keeps_a_cell_and_encrypts_the_rest(app, tmp_path_factory):
    """Rows written before it: a device's exact fix becomes a token and its lat / lon the
    cell; roll-call answer positions become tokens; the downgrade gives the exact values back."""
    scratch = make_test_app(tmp_path_factory)
    app.extensions["celery"].set_default()
    if scratch.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("runs on a SQLite file of its own (PostgreSQL: the shared schema)")
    with scratch.app_context():
        upgrade(revision="1c1645169523")
        _insert("users", id=1, email="old@example.org", role="traveler")
        _insert("devices", id=1, user_id=1, endpoint="https://fcm.googleapis.com/x/1",
                lat=EXACT["lat"], lon=EXACT["lon"], accuracy=EXACT["accuracy"])
        _insert("devices", id=2, user_id=1, endpoint="https://fcm.googleapis.com/x/2")
        _insert("alerts", id=1, identifier="a-1")
        _insert("rollcalls", id=1, alert_id=1)
        _insert("rollcall_recipients", id=1, rollcall_id=1, user_id=1, lat=TOWER["lat"],
                lon=TOWER["lon"], accuracy=None)
        _insert("rollcall_answers", id=1, client_uuid="u-1", rollcall_id=1, user_id=1,
                answer="safe", lat=TOWER["lat"], lon=TOWER["lon"], accuracy=TOWER["accuracy"])
        db.session.commit()
        upgrade(revision=POSITIONS_MIGRATION)
        device = _raw("SELECT * FROM devices WHERE id = 1")
        assert (device.lat, device.lon) == CELL and "accuracy" not in device._mapping
        assert _is_token(device.fix) and "48.8566" not in _digits(device)
        assert _raw("SELECT lat, fix FROM devices WHERE id = 2") == (None, None)
        answer = _raw("SELECT lat, lon, accuracy FROM rollcall_answers")
        assert all(_is_token(v) for v in answer)
        assert _raw("SELECT accuracy FROM rollcall_recipients")[0] is None  # NULL stays NULL
        assert db.session.get(Device, 1).exact == EXACT
        assert (db.session.get(RollCallAnswer, 1).lat, db.session.get(RollCallAnswer, 1).lon) \
            == (TOWER["lat"], TOWER["lon"])
        db.session.rollback()
        downgrade(revision="1c1645169523")
        assert tuple(_raw("SELECT lat, lon, accuracy FROM devices WHERE id = 1")) == tuple(
            EXACT.values())
        assert _raw("SELECT lat FROM rollcall_answers")[0] == TOWER["lat"]
        db.session.rollback()
        db.engine.dispose()
