"""merge crisis sign-up and the pending sign-ups / email for all alerts head

Revision ID: c4e6a8b0d2f1
Revises: 690e26d1b987, b1d3f5a7c902
Create Date: 2026-12-03 09:20:00

"""

# revision identifiers, used by Alembic.
revision = 'c4e6a8b0d2f1'
down_revision = ('690e26d1b987', 'b1d3f5a7c902')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
