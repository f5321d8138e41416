"""Configuration: environment first, secrets generated under instance/ when not given."""
import os
import stat

from server import config


def test_secret_key_is_generated_once_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.from_environment(str(tmp_path))["SECRET_KEY"]
    second = config.from_environment(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/c")
    monkeypatch.setenv("COMPATRIOT_HOME_COUNTRY", "TW")
    monkeypatch.setenv("COMPATRIOT_HTTPS", "1")
    cfg = config.from_environment(str(tmp_path))
    assert cfg["SECRET_KEY"] == "from-env"
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/c"
    assert cfg["HOME_COUNTRY"] == "TW"
    assert cfg["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    uri = config.from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"]
    assert uri == f"sqlite:///{tmp_path / 'compatriot.db'}"
