"""delivery batches; no index or foreign key on what sending changes: HOT results

The result of a delivery changed ``state``, which two indexes held (per-alert stats, the sweep),
so each result wrote a new entry into all six indexes of ``deliveries``; and materialization
checked three foreign keys per row (a lookup and a row lock each). Work in flight is now kept in
``delivery_batches`` (one row per task's ids, open until none is pending), which the sweep and
enqueueing read; ``deliveries`` keeps four indexes, none on a column sending changes, and no
foreign keys (README, "Cheap bookkeeping"). Pending deliveries get their batches here.

Revision ID: c4a7e1f3b9d2
Revises: d2e4f6a8b0c3
Create Date: 2026-12-03 14:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)

revision = 'c4a7e1f3b9d2'
down_revision = 'd2e4f6a8b0c3'
branch_labels = None
depends_on = None

BATCH = 500  # PUSH_BATCH_SIZE's default

FOREIGN_KEYS = (("fk_deliveries_alert_id_alerts", "alerts", "alert_id", "CASCADE"),
                ("fk_deliveries_device_id_devices", "devices", "device_id", "SET NULL"),
                ("fk_deliveries_user_id_users", "users", "user_id", "CASCADE"))


def upgrade():
    batches = op.create_table(
        'delivery_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=False),
        sa.Column('delivery_ids', sa.JSON(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('done_at', server.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'],
                                name=op.f('fk_delivery_batches_alert_id_alerts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_batches')))
    op.create_index('ix_delivery_batches_open', 'delivery_batches', ['alert_id', 'id'],
                    postgresql_where=sa.text('done_at IS NULL'),
                    sqlite_where=sa.text('done_at IS NULL'))
    pending = op.get_bind().execute(sa.text(
        "SELECT alert_id, id FROM deliveries WHERE state = 'pending' ORDER BY alert_id, id")).all()
    by_alert = {}
    for alert_id, delivery_id in pending:
        by_alert.setdefault(alert_id, []).append(delivery_id)
    now = datetime.now(UTC)
    rows = [{"alert_id": alert_id, "delivery_ids": ids[i:i + BATCH],
             "size": len(ids[i:i + BATCH]), "created_at": now}
            for alert_id, ids in by_alert.items() for i in range(0, len(ids), BATCH)]
    if rows:
        op.bulk_insert(batches, rows)
    with op.batch_alter_table('deliveries') as batch_op:
        batch_op.drop_index('ix_deliveries_alert_id_state')
        batch_op.drop_index('ix_deliveries_state_next_attempt_at')
        batch_op.drop_index('ix_deliveries_device_id')
        for name, _table, _column, _action in FOREIGN_KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')


def downgrade():
    bind = op.get_bind()  # rows of removed devices and of erased accounts first
    bind.execute(sa.text("UPDATE deliveries SET device_id = NULL WHERE device_id NOT IN "
                         "(SELECT id FROM devices)"))
    bind.execute(sa.text("DELETE FROM deliveries WHERE user_id NOT IN (SELECT id FROM users)"))
    with op.batch_alter_table('deliveries') as batch_op:
        for name, table, column, action in FOREIGN_KEYS:
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete=action)
        batch_op.create_index('ix_deliveries_device_id', ['device_id'])
        batch_op.create_index('ix_deliveries_state_next_attempt_at',
                              ['state', 'next_attempt_at'])
        batch_op.create_index('ix_deliveries_alert_id_state', ['alert_id', 'state', 'id'])
    op.drop_index('ix_delivery_batches_open', table_name='delivery_batches')
    op.drop_table('delivery_batches')
