"""sos follow-ups: a replayed SOS whose message changed adds it to the case (encrypted)

Revision ID: 5e1b7c3a9d20
Revises: 9b3f5c2d7a18
Create Date: 2026-12-02 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '5e1b7c3a9d20'
down_revision = '9b3f5c2d7a18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sos_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['sos_cases.id'], name=op.f('fk_sos_follow_ups_case_id_sos_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sos_follow_ups'))
    )
    with op.batch_alter_table('sos_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sos_follow_ups_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sos_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sos_follow_ups_case_id'))
    op.drop_table('sos_follow_ups')
