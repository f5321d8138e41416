"""merge the SMS tables and the hazards/broadcast line

Revision ID: d6f8a0b2c4e7
Revises: d5e7f9a1b3c6, 4b7803a59e56
Create Date: 2026-12-02 18:05:00

"""
import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = 'd6f8a0b2c4e7'
down_revision = ('d5e7f9a1b3c6', '4b7803a59e56')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
