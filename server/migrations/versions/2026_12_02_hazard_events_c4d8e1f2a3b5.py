"""hazard events: events from hazard feeds, their counts by mission, each feed's poll state

Revision ID: c4d8e1f2a3b5
Revises: b7e2f4a9c1d3
Create Date: 2026-12-02 17:30:00

"""
from alembic import op
import sqlalchemy as sa

import server.db  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = 'c4d8e1f2a3b5'
down_revision = 'b7e2f4a9c1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'hazard_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('feed', sa.String(length=40), nullable=False),
        sa.Column('source_id', sa.String(length=200), nullable=False),
        sa.Column('version', sa.String(length=64), nullable=True),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('level', sa.String(length=6), nullable=False),
        sa.Column('magnitude', sa.Float(), nullable=True),
        sa.Column('depth_km', sa.Float(), nullable=True),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=True),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('areas', sa.JSON(), nullable=False),
        sa.Column('cap', sa.JSON(), nullable=False),
        sa.Column('effective', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=6), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.Column('counted_at', server.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_events')),
        sa.UniqueConstraint('feed', 'source_id', name=op.f('uq_hazard_events_feed_source_id')),
    )
    op.create_index('ix_hazard_events_state_expires', 'hazard_events', ['state', 'expires'])
    op.create_table(
        'hazard_event_missions',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('embassy_id', sa.Integer(), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['hazard_events.id'], ondelete='CASCADE',
                                name=op.f('fk_hazard_event_missions_event_id_hazard_events')),
        sa.ForeignKeyConstraint(['embassy_id'], ['embassies.id'], ondelete='CASCADE',
                                name=op.f('fk_hazard_event_missions_embassy_id_embassies')),
        sa.PrimaryKeyConstraint('event_id', 'embassy_id', name=op.f('pk_hazard_event_missions')),
    )
    op.create_index(op.f('ix_hazard_event_missions_embassy_id'), 'hazard_event_missions',
                    ['embassy_id'])
    op.create_table(
        'hazard_feeds',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('etag', sa.String(length=200), nullable=True),
        sa.Column('last_modified', sa.String(length=100), nullable=True),
        sa.Column('polled_at', server.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_hazard_feeds')),
    )


def downgrade():
    op.drop_table('hazard_feeds')
    op.drop_index(op.f('ix_hazard_event_missions_embassy_id'), table_name='hazard_event_missions')
    op.drop_table('hazard_event_missions')
    op.drop_index('ix_hazard_events_state_expires', table_name='hazard_events')
    op.drop_table('hazard_events')
