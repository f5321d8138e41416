"""staff identity: TOTP enrolment and replay state, disabled accounts, append-only audit log

Revision ID: 135ea3d5b059
Revises: cb36c603b40e
Create Date: 2026-11-27 19:31:13.378734

On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on audit_events, whoever runs
them. The one UPDATE it lets through is what ON DELETE SET NULL does when a user account or a
mission is deleted (actor_id / embassy_id set to NULL, nothing else changed).

Privileged path (for a retention job): run as the table owner, in one transaction,
    ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
    DELETE FROM audit_events WHERE created_at < ...;
    ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
In production the application's own role should not own the table (grant it SELECT and
INSERT only), so that path is not open to the application.
"""
from alembic import op
import sqlalchemy as sa

import server.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '135ea3d5b059'
down_revision = 'cb36c603b40e'
branch_labels = None
depends_on = None

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id
       AND NEW.actor_label = OLD.actor_label
       AND NEW.action = OLD.action
       AND NEW.target_type IS NOT DISTINCT FROM OLD.target_type
       AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
       AND NEW.details::text = OLD.details::text
       AND NEW.address IS NOT DISTINCT FROM OLD.address
       AND NEW.created_at = OLD.created_at
       AND (NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id OR NEW.actor_id IS NULL)
       AND (NEW.embassy_id IS NOT DISTINCT FROM OLD.embassy_id OR NEW.embassy_id IS NULL)
    THEN
        RETURN NEW;  -- ON DELETE SET NULL of the actor or the mission
    END IF;
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action_id', ['action', 'id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_pending_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_counter', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE "
                   "ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE "
                   "ON audit_events FOR EACH STATEMENT "
                   "EXECUTE FUNCTION audit_events_append_only()")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('disabled')
        batch_op.drop_column('totp_last_counter')
        batch_op.drop_column('totp_pending_secret')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action_id')
