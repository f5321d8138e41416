"""Sensitive fields are encrypted at rest: the database holds Fernet tokens, the API and the
ORM see plaintext, keys rotate, and the migration encrypts rows written before it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server import crypto
from server.db import db
from server.sos.models import SosCase
from server.trips.models import Companion, Trip
from tests.conftest import TEST_FIELD_KEY, leg, make_test_app
from tests.sos.helpers import sos_body

MIGRATION = "2a8f8bde3ba6"


def _raw(sql: str, **params):
    return db.session.execute(text(sql), params).one()


def _is_token(value) -> bool:
    return isinstance(value, str) and value.startswith("gAAAAA")  # Fernet version byte


def test_raw_rows_hold_ciphertext_and_the_api_plaintext(client, signup, create_trip):
    signup(client)
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
    assert again["emergency_contact"] == {"name": "Wang Fang", "phone": "+8613900139000"}
    assert again["companions"][0]["name"] == "Zhou Li"
    stored = db.session.query(SosCase).filter_by(client_uuid=sos.json["client_uuid"]).one()
    assert (stored.message, stored.lat, stored.lon, stored.accuracy) == (
        "Lost in the metro", 48.8566, 2.3522, 12.5)
    assert stored.positions[0].lat == 48.8566


def test_the_same_value_encrypts_differently_each_time(app):
    with app.app_context():
        assert crypto.encrypt("+8613900139000") != crypto.encrypt("+8613900139000")


def test_rotation_re_encrypts_with_the_new_key_and_old_keys_still_read(
        app, client, signup, create_trip, monkeypatch):
    signup(client)
    trip = create_trip(client, leg("FR"))
    before = _raw("SELECT emergency_contact_name FROM trips WHERE id = :id", id=trip["id"])[0]
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
    # The old key can now be retired.
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEYS", (new,))
    assert client.get(f"/api/trips/{trip['id']}").json["emergency_contact"]["name"] == \
        "Wang Fang"
    with pytest.raises(InvalidToken):
        Fernet(TEST_FIELD_KEY.encode()).decrypt(after.encode())


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
        trip = db.session.get(Trip, 1)
        assert (trip.emergency_contact_name, trip.emergency_contact_phone) == (
            "Wang Fang", "+8613900139000")
        assert db.session.get(Companion, 1).name == "Zhou Li"
        case = db.session.get(SosCase, 1)
        assert (case.message, case.lat, case.lon) == ("help me", 48.85, 2.35)
        db.session.rollback()
        downgrade(revision="f3661572b2ed")
        assert _raw("SELECT emergency_contact_name FROM trips")[0] == "Wang Fang"
        assert _raw("SELECT lat FROM sos_positions")[0] == 48.85
        db.session.rollback()
        db.engine.dispose()
