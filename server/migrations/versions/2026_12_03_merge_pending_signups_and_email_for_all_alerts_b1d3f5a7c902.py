"""merge pending signups and email for all alerts

Revision ID: b1d3f5a7c902
Revises: 3a9c5e7f1b24, 3f9b2d7e1a64
Create Date: 2026-12-03 09:13:15

"""

# revision identifiers, used by Alembic.
revision = 'b1d3f5a7c902'
down_revision = ('3a9c5e7f1b24', '3f9b2d7e1a64')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
