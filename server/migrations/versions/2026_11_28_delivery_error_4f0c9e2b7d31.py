"""delivery error: why a failed delivery failed

A delivery that could not be pushed (a subscription stored before the endpoint checks were
strict, keys that do not encrypt, the push service's refusal) is marked failed with its
reason, for the staff and the logs to see.

Revision ID: 4f0c9e2b7d31
Revises: 9b3f5c2d7a18
Create Date: 2026-11-28 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4f0c9e2b7d31'
down_revision = '9b3f5c2d7a18'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('deliveries', sa.Column('error', sa.String(length=300), nullable=True))


def downgrade():
    op.drop_column('deliveries', 'error')
