"""merge verified email and the person-channel deliveries

Revision ID: e8a1c3d5f7b9
Revises: 7c2e9a4b1d35, 7c2e9a4b1d03
Create Date: 2026-12-03 00:20:00

"""
import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = 'e8a1c3d5f7b9'
down_revision = ('7c2e9a4b1d35', '7c2e9a4b1d03')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
