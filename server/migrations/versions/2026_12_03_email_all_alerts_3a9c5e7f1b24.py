"""users.email_all_alerts: a traveler's choice to get every alert by email too

Revision ID: 3a9c5e7f1b24
Revises: e8a1c3d5f7b9
Create Date: 2026-12-03 09:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3a9c5e7f1b24'
down_revision = 'e8a1c3d5f7b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_all_alerts', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_all_alerts')
