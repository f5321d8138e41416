"""delivery lease in its own column: the claim is a HOT update

The claim used to write the lease into ``next_attempt_at``, an indexed column, so each of the
two updates of a delivery (claim, then result) inserted a new entry into every index of
``deliveries``: about 12 index insertions per message, most of PostgreSQL's CPU in a fan-out.
The lease now goes to ``leased_until``, which no index holds, and the table keeps room on each
page (fillfactor 50, honoured by materialization's INSERT) so the claim's new row version stays
on its page: a HOT update, no index touched.

Revision ID: 9b3f5c2d7a18
Revises: 7d2e1a9c4b60
Create Date: 2026-11-27 23:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '9b3f5c2d7a18'
down_revision = '7d2e1a9c4b60'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('deliveries', sa.Column('leased_until', server.db.UTCDateTime(timezone=True),
                                          nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE deliveries SET (fillfactor = 50)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE deliveries RESET (fillfactor)')
    op.drop_column('deliveries', 'leased_until')
