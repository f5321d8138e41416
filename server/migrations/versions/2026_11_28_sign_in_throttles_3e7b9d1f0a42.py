"""sign-in throttle lanes replace the per-account lock

The lock on the user row (``failed_logins``, ``locked_until``) let anyone lock anyone out.
Failures are now counted per email and address, per email from anywhere, and per account's
second factor, in ``sign_in_throttles`` (``server/accounts/throttle.py``); emails without an
account are counted alike. Counts in progress are not carried over (a lock ends anyway).

Revision ID: 3e7b9d1f0a42
Revises: 9b3f5c2d7a18
Create Date: 2026-11-28 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '3e7b9d1f0a42'
down_revision = '9b3f5c2d7a18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_throttles',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', server.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttles')))
    op.create_index(op.f('ix_sign_in_throttles_updated_at'), 'sign_in_throttles',
                    ['updated_at'], unique=False)
    with op.batch_alter_table('users') as batch:
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('locked_until', server.db.UTCDateTime(timezone=True),
                                   nullable=True))
    op.drop_index(op.f('ix_sign_in_throttles_updated_at'), table_name='sign_in_throttles')
    op.drop_table('sign_in_throttles')
