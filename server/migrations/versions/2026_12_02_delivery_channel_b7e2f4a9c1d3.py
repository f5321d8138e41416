"""delivery channel: each delivery names the channel it goes by (Web Push for every row so far)

Revision ID: b7e2f4a9c1d3
Revises: a1d3c5e7f902
Create Date: 2026-12-02 16:50:00

"""
from alembic import op
import sqlalchemy as sa

import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = 'b7e2f4a9c1d3'
down_revision = 'a1d3c5e7f902'
branch_labels = None
depends_on = None


def upgrade():
    # A constant server default: PostgreSQL adds the column without rewriting the table.
    with op.batch_alter_table('deliveries') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), nullable=False,
                                      server_default='webpush'))


def downgrade():
    with op.batch_alter_table('deliveries') as batch_op:
        batch_op.drop_column('channel')
