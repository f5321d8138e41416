"""crisis sign-up: public pages opened from a roll call, the people who signed up on them,
and SOS cases raised without an account (``sos_cases.unverified``)

Revision ID: 690e26d1b987
Revises: e8a1c3d5f7b9
Create Date: 2026-12-03 08:29:58.932935

"""
import sqlalchemy as sa
from alembic import op

import server.crypto  # noqa: F401  (encrypted columns)
import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '690e26d1b987'
down_revision = 'e8a1c3d5f7b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('crisis_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rollcall_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=43), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_crisis_pages_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_crisis_pages_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rollcall_id'], ['rollcalls.id'], name=op.f('fk_crisis_pages_rollcall_id_rollcalls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_crisis_pages_slug'))
    )
    with op.batch_alter_table('crisis_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crisis_pages_rollcall_id'), ['rollcall_id'], unique=False)

    op.create_table('crisis_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('rollcall_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('answer', sa.String(length=4), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('lat', server.crypto.EncryptedFloat(), nullable=True),
    sa.Column('lon', server.crypto.EncryptedFloat(), nullable=True),
    sa.Column('accuracy', server.crypto.EncryptedFloat(), nullable=True),
    sa.Column('sos_case_id', sa.Integer(), nullable=True),
    sa.Column('received_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('phone_verified_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_attempts', sa.Integer(), nullable=False),
    sa.Column('code_expires_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['page_id'], ['crisis_pages.id'], name=op.f('fk_crisis_registrations_page_id_crisis_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rollcall_id'], ['rollcalls.id'], name=op.f('fk_crisis_registrations_rollcall_id_rollcalls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sos_case_id'], ['sos_cases.id'], name=op.f('fk_crisis_registrations_sos_case_id_sos_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_registrations')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_crisis_registrations_client_uuid'))
    )
    with op.batch_alter_table('crisis_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_crisis_registrations_rollcall_id_received_at', ['rollcall_id', 'received_at'], unique=False)

    with op.batch_alter_table('sos_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unverified', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('sos_cases', schema=None) as batch_op:
        batch_op.drop_column('unverified')

    with op.batch_alter_table('crisis_registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_crisis_registrations_rollcall_id_received_at')

    op.drop_table('crisis_registrations')
    with op.batch_alter_table('crisis_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crisis_pages_rollcall_id'))

    op.drop_table('crisis_pages')
