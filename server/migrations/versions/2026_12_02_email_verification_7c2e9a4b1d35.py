"""Email: ``users.email_verified_at`` and ``users.pending_email``

An address is proven by a link sent to it; a changed address waits in ``pending_email`` until
its own link is opened. Existing addresses start unverified (nothing proved them).

Revision ID: 7c2e9a4b1d35
Revises: d6f8a0b2c4e7
Create Date: 2026-12-02 23:40:00

"""
import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)

revision = '7c2e9a4b1d35'
down_revision = 'd6f8a0b2c4e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', server.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_email')
        batch_op.drop_column('email_verified_at')
