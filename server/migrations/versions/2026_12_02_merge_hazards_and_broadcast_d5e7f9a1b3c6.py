"""merge hazard events and the broadcast/SOS follow-ups line

Revision ID: d5e7f9a1b3c6
Revises: c4d8e1f2a3b5, c4d6e8f0a2b5
Create Date: 2026-12-02 17:40:00

"""
import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = 'd5e7f9a1b3c6'
down_revision = ('c4d8e1f2a3b5', 'c4d6e8f0a2b5')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
