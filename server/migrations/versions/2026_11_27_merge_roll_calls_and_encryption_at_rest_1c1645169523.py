"""merge roll calls and encryption at rest

Revision ID: 1c1645169523
Revises: 2a8f8bde3ba6, 56033d526f7d
Create Date: 2026-11-27 20:22:08.081400

"""
from alembic import op
import sqlalchemy as sa

import server.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '1c1645169523'
down_revision = ('2a8f8bde3ba6', '56033d526f7d')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
