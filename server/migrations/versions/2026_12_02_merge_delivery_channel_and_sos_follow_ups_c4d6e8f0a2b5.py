"""merge delivery channel and sos follow-ups

Revision ID: c4d6e8f0a2b5
Revises: b7e2f4a9c1d3, 5e1b7c3a9d20
Create Date: 2026-12-02 17:30:00

"""
import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = 'c4d6e8f0a2b5'
down_revision = ('b7e2f4a9c1d3', '5e1b7c3a9d20')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
