"""positions encrypted at rest: devices' last fix, roll-call answer positions

Devices keep ``lat`` / ``lon`` (the alert audience's bounding-box index filters on them) but
only as the fix's ~1 km cell, rounded to 0.01 degree; the exact fix {lat, lon, accuracy}
moves, encrypted, into ``fix``, and the plain ``accuracy`` column goes. Roll-call answer and
recipient positions become Fernet tokens (server/crypto.py), like SOS positions.

Columns are added, filled, dropped and renamed (never ALTER TYPE) so SQLite never rebuilds
a table: ``devices`` and ``rollcall_recipients`` are referenced by other tables' foreign keys.
The rounding and the JSON layout are written out here, not imported, so that this revision
keeps doing what it did when the models change.

Revision ID: eea30e47b7bb
Revises: 1c1645169523
Create Date: 2026-11-27 21:37:10.336655

"""
import json

from alembic import op
import sqlalchemy as sa

import server.db  # noqa: F401  (custom column types)
from server import crypto


# revision identifiers, used by Alembic.
revision = 'eea30e47b7bb'
down_revision = '1c1645169523'
branch_labels = None
depends_on = None

ROLLCALL_TABLES = ("rollcall_answers", "rollcall_recipients")
ROLLCALL_COLUMNS = ("lat", "lon", "accuracy")
TMP = "{}__new"


def _swap(table, column, new_type, convert):
    """Replace the nullable ``column`` by one of ``new_type`` holding ``convert(old value)``."""
    bind = op.get_bind()
    tmp = TMP.format(column)
    op.add_column(table, sa.Column(tmp, new_type, nullable=True))
    t = sa.table(table, sa.column("id"), sa.column(column), sa.column(tmp))
    rows = bind.execute(sa.select(t.c.id, t.c[column]).where(t.c[column].is_not(None))).all()
    for row in rows:
        bind.execute(sa.update(t).where(t.c.id == row.id).values({tmp: convert(row[1])}))
    op.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')
    op.execute(f'ALTER TABLE {table} RENAME COLUMN "{tmp}" TO "{column}"')


def _devices():
    return sa.table("devices", sa.column("id"), sa.column("lat"), sa.column("lon"),
                    sa.column("accuracy"), sa.column("fix"))


def upgrade():
    bind = op.get_bind()
    op.add_column("devices", sa.Column("fix", sa.Text(), nullable=True))
    devices = _devices()
    rows = bind.execute(sa.select(devices.c.id, devices.c.lat, devices.c.lon, devices.c.accuracy)
                        .where(devices.c.lat.is_not(None), devices.c.lon.is_not(None))).all()
    for row in rows:
        fix = {"lat": row.lat, "lon": row.lon, "accuracy": row.accuracy}
        bind.execute(sa.update(devices).where(devices.c.id == row.id).values(
            fix=crypto.encrypt(json.dumps(fix, separators=(",", ":"))),
            lat=round(row.lat, 2), lon=round(row.lon, 2)))
    op.execute('ALTER TABLE devices DROP COLUMN "accuracy"')
    for table in ROLLCALL_TABLES:
        for column in ROLLCALL_COLUMNS:
            _swap(table, column, sa.Text(), lambda value: crypto.encrypt(repr(float(value))))


def downgrade():
    for table in ROLLCALL_TABLES:
        for column in ROLLCALL_COLUMNS:
            _swap(table, column, sa.Float(), lambda value: float(crypto.decrypt(value)))
    bind = op.get_bind()
    op.add_column("devices", sa.Column("accuracy", sa.Float(), nullable=True))
    devices = _devices()
    rows = bind.execute(sa.select(devices.c.id, devices.c.fix)
                        .where(devices.c.fix.is_not(None))).all()
    for row in rows:  # the exact fix comes back in clear, as before
        fix = json.loads(crypto.decrypt(row.fix))
        bind.execute(sa.update(devices).where(devices.c.id == row.id).values(
            lat=fix["lat"], lon=fix["lon"], accuracy=fix["accuracy"]))
    op.execute('ALTER TABLE devices DROP COLUMN "fix"')
