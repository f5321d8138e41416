"""covering leg indexes: the audience reads stays from the index alone

``ix_legs_country_dates`` and ``ix_legs_lat_lon`` gain the columns the audience query needs
after the range (dates, then ``user_id``), so finding the people staying in a country or a
box is an index-only scan on both databases instead of a visit to every matching row
(200,000 rows for a large country). Plain key columns, not PostgreSQL's INCLUDE, so SQLite's
planner gets the same covering index.

Revision ID: 4485c68d2626
Revises: eea30e47b7bb
Create Date: 2026-11-27 21:52:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4485c68d2626'
down_revision = 'eea30e47b7bb'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_legs_country_dates', table_name='legs')
    op.create_index('ix_legs_country_dates', 'legs',
                    ['country', 'start_date', 'end_date', 'user_id'], unique=False)
    op.drop_index('ix_legs_lat_lon', table_name='legs')
    op.create_index('ix_legs_lat_lon', 'legs',
                    ['lat', 'lon', 'start_date', 'end_date', 'user_id'], unique=False)


def downgrade():
    op.drop_index('ix_legs_lat_lon', table_name='legs')
    op.create_index('ix_legs_lat_lon', 'legs', ['lat', 'lon'], unique=False)
    op.drop_index('ix_legs_country_dates', table_name='legs')
    op.create_index('ix_legs_country_dates', 'legs', ['country', 'start_date', 'end_date'],
                    unique=False)
