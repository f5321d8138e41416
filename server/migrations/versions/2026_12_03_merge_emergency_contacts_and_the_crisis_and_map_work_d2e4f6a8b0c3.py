"""merge emergency contacts and the crisis and map work

Revision ID: d2e4f6a8b0c3
Revises: c4e6a8b0d2f1, f1b3d5a7c9e2
Create Date: 2026-12-03 09:30:08

"""

# revision identifiers, used by Alembic.
revision = 'd2e4f6a8b0c3'
down_revision = ('c4e6a8b0d2f1', 'f1b3d5a7c9e2')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
