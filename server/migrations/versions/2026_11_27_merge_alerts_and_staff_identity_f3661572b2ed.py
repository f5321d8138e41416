"""merge alerts and staff identity

Revision ID: f3661572b2ed
Revises: 1c46586058f0, 135ea3d5b059
Create Date: 2026-11-27 19:52:13.839467

"""
from alembic import op
import sqlalchemy as sa

import server.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'f3661572b2ed'
down_revision = ('1c46586058f0', '135ea3d5b059')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
