"""person-channel deliveries (SMS, email): once per message, person and channel

Revision ID: 7c2e9a4b1d03
Revises: d6f8a0b2c4e7
Create Date: 2026-12-03 00:05:00

"""
import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)

revision = '7c2e9a4b1d03'
down_revision = 'd6f8a0b2c4e7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("uq_deliveries_person_channel", "deliveries",
                    ["alert_id", "user_id", "channel"], unique=True,
                    postgresql_where=sa.text("device_id IS NULL"),
                    sqlite_where=sa.text("device_id IS NULL"))


def downgrade():
    op.drop_index("uq_deliveries_person_channel", table_name="deliveries")
