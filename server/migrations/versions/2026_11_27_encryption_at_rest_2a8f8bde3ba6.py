"""encryption at rest: emergency contacts, companions, SOS messages and positions

Each column becomes text holding a Fernet token (server/crypto.py); existing values are
encrypted with the current key (FIELD_ENCRYPTION_KEYS, else instance/field_keys).

Done as add / fill / drop / rename rather than ALTER TYPE so that SQLite never rebuilds a
table: rebuilding ``trips`` or ``sos_cases`` would drop the old table, and with foreign keys
on that cascades into their stays, companions and trails.

Revision ID: 2a8f8bde3ba6
Revises: f3661572b2ed
Create Date: 2026-11-27 20:25:41.115950

"""
from alembic import op
import sqlalchemy as sa

import server.db  # noqa: F401  (custom column types)
from server import crypto


# revision identifiers, used by Alembic.
revision = '2a8f8bde3ba6'
down_revision = 'f3661572b2ed'
branch_labels = None
depends_on = None

# table -> [(column, old type, nullable, is a number)]
COLUMNS = {
    "trips": [("emergency_contact_name", sa.String(200), False, False),
              ("emergency_contact_phone", sa.String(20), False, False)],
    "companions": [("name", sa.String(200), False, False),
                   ("phone", sa.String(20), True, False)],
    "sos_cases": [("message", sa.String(1000), True, False), ("lat", sa.Float(), True, True),
                  ("lon", sa.Float(), True, True), ("accuracy", sa.Float(), True, True)],
    "sos_positions": [("lat", sa.Float(), False, True), ("lon", sa.Float(), False, True),
                      ("accuracy", sa.Float(), True, True)],
}
TMP = "{}__new"


def _encrypt(value, number):
    return crypto.encrypt(repr(float(value)) if number else str(value))


def _decrypt(value, number):
    text = crypto.decrypt(value)
    return float(text) if number else text


def _swap(table, column, new_type, nullable, convert):
    """Replace ``column`` by a column of ``new_type`` holding ``convert(old value)``."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    tmp = TMP.format(column)
    # SQLite adds a NOT NULL column only with a default; it is never used (filled below).
    op.add_column(table, sa.Column(tmp, new_type, nullable=nullable or not sqlite,
                                   server_default=None if nullable or not sqlite else ""))
    t = sa.table(table, sa.column("id"), sa.column(column), sa.column(tmp))
    rows = bind.execute(sa.select(t.c.id, t.c[column]).where(t.c[column].is_not(None))).all()
    for row in rows:
        bind.execute(sa.update(t).where(t.c.id == row.id).values({tmp: convert(row[1])}))
    op.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')
    op.execute(f'ALTER TABLE {table} RENAME COLUMN "{tmp}" TO "{column}"')
    if not nullable and not sqlite:
        op.alter_column(table, column, nullable=False)


def upgrade():
    for table, columns in COLUMNS.items():
        for column, _old, nullable, number in columns:
            _swap(table, column, sa.Text(), nullable,
                  lambda value, number=number: _encrypt(value, number))


def downgrade():
    for table, columns in COLUMNS.items():
        for column, old, nullable, number in columns:
            _swap(table, column, old, nullable,
                  lambda value, number=number: _decrypt(value, number))
