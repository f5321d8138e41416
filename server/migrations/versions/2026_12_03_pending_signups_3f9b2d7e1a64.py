"""Sign-up by proof of address: ``pending_signups``

A sign-up waits here until the link mailed to its address is opened; only then is the account
created (verified). Rows are deleted by the retention job 48 hours after their link was sent.

Revision ID: 3f9b2d7e1a64
Revises: e8a1c3d5f7b9
Create Date: 2026-12-03 08:45:00

"""
import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)

revision = '3f9b2d7e1a64'
down_revision = 'e8a1c3d5f7b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_signups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_signups')),
        sa.UniqueConstraint('email', name=op.f('uq_pending_signups_email')),
        sa.UniqueConstraint('nonce', name=op.f('uq_pending_signups_nonce')),
    )
    with op.batch_alter_table('pending_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_signups_sent_at'), ['sent_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('pending_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_signups_sent_at'))
    op.drop_table('pending_signups')
