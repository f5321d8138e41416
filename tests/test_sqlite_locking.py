"""SQLite in WAL mode refuses to turn a read into a write once another connection has committed
since the read began (SQLITE_BUSY_SNAPSHOT, at once, whatever the busy timeout): background
work that read, waited on the network and now records must begin a new transaction that
takes the write lock (``server.db.write_transaction``)."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from server.db import db, recording_during_a_read, write_transaction
from tests.conftest import make_test_app


@pytest.fixture
def file_app(tmp_path_factory):
    database = tmp_path_factory.mktemp("locking") / "locking.db"
    live = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with live.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE results (worker TEXT)")
        yield live
        db.session.remove()
        db.engine.dispose()


def _overtaken_read() -> None:
    """This session reads; then another connection (a request) commits a write."""
    db.session.execute(text("SELECT count(*) FROM results")).scalar()
    with db.engine.connect() as request:
        request.execute(text("INSERT INTO results VALUES ('request')"))
        request.commit()


def _record() -> None:
    db.session.execute(text("INSERT INTO results VALUES ('worker')"))
    db.session.commit()


def test_a_read_overtaken_by_a_commit_cannot_become_a_write(file_app):
    _overtaken_read()
    with pytest.raises(OperationalError, match="locked"):
        _record()
    db.session.rollback()


def test_write_transaction_records_after_an_overtaken_read(file_app):
    _overtaken_read()
    write_transaction()
    _record()
    rows = db.session.execute(text("SELECT worker FROM results ORDER BY rowid")).scalars()
    assert list(rows) == ["request", "worker"]


def test_a_read_request_that_records_takes_the_write_lock_first(file_app):
    """An audited read (a GET that writes its audit event, a CSV export) overtaken by a commit
    records all the same."""
    with file_app.test_request_context("/export.csv", method="GET"):
        _overtaken_read()
        recording_during_a_read()
        _record()
    rows = db.session.execute(text("SELECT worker FROM results ORDER BY rowid")).scalars()
    assert list(rows) == ["request", "worker"]


def test_a_request_that_writes_keeps_its_unit_of_work(file_app):
    """In a request that may write, nothing is committed early: a rollback undoes it all."""
    with file_app.test_request_context("/trips", method="POST"):
        db.session.execute(text("INSERT INTO results VALUES ('unsaved')"))
        recording_during_a_read()
        db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM results")).scalar() == 0
