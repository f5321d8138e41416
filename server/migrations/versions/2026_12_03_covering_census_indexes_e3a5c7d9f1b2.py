"""covering census indexes: hazard counts read stays and fixes from the index alone

``ix_legs_lat_lon`` gains the stay's id and place (country, subdivision, city) and
``ix_devices_lat_lon`` the fix's time, owner and country, so the hazard count's read of the
stays and fresh fixes in a batch's boxes is an index-only scan: the legs of a box are
scattered over the table (one page per row otherwise). Plain key columns, not PostgreSQL's
INCLUDE, so SQLite gets the same indexes.

Revision ID: e3a5c7d9f1b2
Revises: c4a7e1f3b9d2
Create Date: 2026-12-03 13:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3a5c7d9f1b2'
down_revision = 'c4a7e1f3b9d2'
branch_labels = None
depends_on = None

LEGS = ['lat', 'lon', 'start_date', 'end_date', 'user_id']
DEVICES = ['lat', 'lon']


def upgrade():
    op.drop_index('ix_legs_lat_lon', table_name='legs')
    op.create_index('ix_legs_lat_lon', 'legs',
                    [*LEGS, 'id', 'country', 'subdivision', 'city'], unique=False)
    op.drop_index('ix_devices_lat_lon', table_name='devices')
    op.create_index('ix_devices_lat_lon', 'devices',
                    [*DEVICES, 'position_at', 'user_id', 'position_country'], unique=False)


def downgrade():
    op.drop_index('ix_devices_lat_lon', table_name='devices')
    op.create_index('ix_devices_lat_lon', 'devices', DEVICES, unique=False)
    op.drop_index('ix_legs_lat_lon', table_name='legs')
    op.create_index('ix_legs_lat_lon', 'legs', LEGS, unique=False)
