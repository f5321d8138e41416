"""merge delivery error and sign-in throttles

Revision ID: a1d3c5e7f902
Revises: 4f0c9e2b7d31, 3e7b9d1f0a42
Create Date: 2026-12-02 16:30:00

"""
import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = 'a1d3c5e7f902'
down_revision = ('4f0c9e2b7d31', '3e7b9d1f0a42')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
