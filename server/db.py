"""Declarative base with a naming convention, and the shared column helpers."""
from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    DateTime,
    Integer,
    MetaData,
    any_,
    bindparam,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


# The largest value of an INTEGER column (ids, versions): 32-bit signed on PostgreSQL.
DB_INT_MAX = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timestamps stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given for a UTC column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def dialect_name() -> str:
    """The session's database: "postgresql" (scaled) or "sqlite" (embedded)."""
    return db.session.get_bind().dialect.name


def on_postgresql() -> bool:
    return dialect_name() == "postgresql"


def conflict_insert(target, dialect: str | None = None):
    """``INSERT`` into ``target`` that can take ``ON CONFLICT`` (``on_conflict_do_nothing``):
    PostgreSQL and SQLite spell it alike, SQLAlchemy has one construct per dialect."""
    return (postgresql.insert if (dialect or dialect_name()) == "postgresql"
            else sqlite.insert)(target)


def inserted_count(statement) -> int:
    """Run an ``INSERT ... SELECT`` and return how many rows it inserted. psycopg reports -1 as
    the rowcount of such an INSERT: on PostgreSQL the statement counts its rows itself
    (RETURNING into a CTE; only the count leaves the server)."""
    if not on_postgresql():
        return db.session.execute(statement).rowcount
    inserted = statement.returning(literal(1)).cte("inserted")
    return db.session.scalar(select(func.count()).select_from(inserted))


def analyze(table) -> None:
    """Refresh the planner's statistics of ``table`` (PostgreSQL; a no-op on SQLite), in the
    current transaction: after a bulk insert whose rows the next statements join on, before
    autovacuum gets to it. Its rows inserted by this very transaction count (PostgreSQL
    samples them as live). Its cost does not grow with the table (a fixed-size sample)."""
    if on_postgresql():
        db.session.execute(text(f"ANALYZE {table.name}"))


def among(column, ids):
    """``column IN ids`` for a batch of ids. On PostgreSQL ``= ANY(one array parameter)``: the
    statement is the same text for every batch, so it is rendered and prepared once, not with
    hundreds of placeholders each time (measured: ~5 % of a worker's CPU)."""
    if on_postgresql():
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def insert_row(model, values: dict, *, unless_exists: tuple[str, ...] = ()):
    """One ``INSERT ... RETURNING *``: the new row as a persistent ORM object, as if loaded by a
    query (the returned columns are everything there is to know about it).

    With ``unless_exists`` (a unique key), ``ON CONFLICT (key) DO NOTHING``: None when a row
    with that key exists (a replay, or a concurrent request that won; PostgreSQL makes the
    loser wait for the winner's commit): one statement, no savepoint, no unit-of-work flush,
    no IntegrityError round trip. The statement is built once per table and key.

    On SQLite a request that writes holds the write lock from its first statement (see
    ``install_engine_hooks``), so a concurrent writer cannot make this insert fail half-way.
    """
    dialect = dialect_name()
    statement = _insert_statement(dialect, model.__table__, unless_exists)
    row = db.session.execute(statement, values).one_or_none()
    if row is None:
        return None
    mapper = inspect(model)
    found = model(**{mapper.get_property_by_column(column).key: value
                     for column, value in zip(model.__table__.columns, row, strict=True)})
    make_transient_to_detached(found)
    db.session.add(found)
    return found


@lru_cache(maxsize=64)
def _insert_statement(dialect: str, table, unless_exists: tuple[str, ...]):
    if not unless_exists:
        return insert(table).returning(*table.columns)
    return (conflict_insert(table, dialect)
            .on_conflict_do_nothing(index_elements=list(unless_exists))
            .returning(*table.columns))


def write_transaction() -> None:
    """End the transaction in progress and begin one that writes: for background work that
    read, then waited on the network, and now records what happened. On SQLite the read
    would be refused its upgrade to a write if a request committed meanwhile
    (SQLITE_BUSY_SNAPSHOT, no waiting): the new one takes the write lock at once, waiting
    its turn like a request does."""
    db.session.commit()
    db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def recording_during_a_read() -> None:
    """Before a request that only reads records something (an audited read: a CSV export, a
    traveler's record opened): on SQLite its transaction began as a read (``_may_write``) and
    could not become a write once another connection committed meanwhile, so it takes the
    write lock afresh (``write_transaction``; what it read stays read). A no-op elsewhere."""
    from flask import has_request_context

    if has_request_context() and not _may_write() and dialect_name() == "sqlite":
        write_transaction()


def _may_write() -> bool:
    from flask import has_request_context, request

    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def install_engine_hooks(app) -> None:
    """SQLite: enforce foreign keys and load the geo SQL functions on every connection."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        from server.geo import register_sqlite_functions

        register_sqlite_functions(dbapi_connection)
        # Let SQLAlchemy, not the pysqlite driver, decide when transactions begin, so
        # SAVEPOINTs work (SQLAlchemy's documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # One writer at a time: the web threads and the embedded worker queue up for the
        # lock rather than fail (a fan-out batch holds it for a moment, an SOS must wait).
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # WAL refuses to upgrade a transaction that has read an older snapshot to a write
        # (SQLITE_BUSY_SNAPSHOT, no waiting), while BEGIN IMMEDIATE waits (busy_timeout) for
        # the write lock: a request that may write takes it at once, so its reads and writes
        # are one unit of work, committed or rolled back together at the request's end.
        # A connection or session can choose with the execution option ``sqlite_begin``
        # ("DEFERRED" or "IMMEDIATE").
        mode = connection.get_execution_options().get("sqlite_begin")
        mode = mode or ("IMMEDIATE" if _may_write() else "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")
