"""Create (or recreate) a PostgreSQL database named in a URL, via the server's maintenance db.

Used by ``make scaled`` (``python -m bench.pgdb ensure URL``), the benchmarks and the scaled
end-to-end test, which each work in a database of their own.
"""
from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def plain_url(url: str) -> str:
    """The libpq form of a SQLAlchemy or libpq URL (``postgresql+psycopg://`` -> ``postgresql://``)."""
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(plain_url(url))
    return urlunsplit(parts._replace(path="/" + name))


def database_of(url: str) -> str:
    return urlsplit(plain_url(url)).path.lstrip("/")


def ensure(url: str, *, fresh: bool = False) -> str:
    """Make sure the database of ``url`` exists (dropped first when ``fresh``); returns ``url``."""
    name = database_of(url)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("ensure", "fresh"):
        sys.exit("usage: python -m bench.pgdb ensure|fresh postgresql://user@host:port/db")
    ensure(sys.argv[2], fresh=sys.argv[1] == "fresh")
