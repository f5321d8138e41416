"""covering audience indexes: devices and users read from narrow indexes

``ix_devices_user_id`` becomes ``(user_id, id, language)`` and ``users`` gains
``ix_users_audience (id, language, location_consent)``: for each person an alert's audience
finds, its devices and their language, and the person's language and consent, come from an
index-only scan instead of a visit to the (wide) rows. Plain key columns, not PostgreSQL's
INCLUDE, so SQLite's planner gets the same covering indexes.

Revision ID: 7d2e1a9c4b60
Revises: 4485c68d2626
Create Date: 2026-11-27 22:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d2e1a9c4b60'
down_revision = '4485c68d2626'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_devices_user_id', table_name='devices')
    op.create_index('ix_devices_user_id', 'devices', ['user_id', 'id', 'language'],
                    unique=False)
    op.create_index('ix_users_audience', 'users', ['id', 'language', 'location_consent'],
                    unique=False)


def downgrade():
    op.drop_index('ix_users_audience', table_name='users')
    op.drop_index('ix_devices_user_id', table_name='devices')
    op.create_index('ix_devices_user_id', 'devices', ['user_id'], unique=False)
