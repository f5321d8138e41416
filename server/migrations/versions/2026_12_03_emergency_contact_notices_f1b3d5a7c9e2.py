"""emergency contact notices: the contact's email, language and the traveler's consent

The contact's email address is encrypted at rest; the language is the one the traveler
picked for the contact's messages; consent says whether they are told at all.

Added with ALTER TABLE (no batch): SQLite must never rebuild ``trips``, whose drop would
cascade into its stays and companions.

Revision ID: f1b3d5a7c9e2
Revises: e8a1c3d5f7b9
Create Date: 2026-12-03 08:40:00

"""
import sqlalchemy as sa
from alembic import op

import server.db  # noqa: F401  (custom column types)
from server import crypto

revision = 'f1b3d5a7c9e2'
down_revision = 'e8a1c3d5f7b9'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("trips", sa.Column("emergency_contact_email", crypto.EncryptedString(254),
                                     nullable=True))
    op.add_column("trips", sa.Column("emergency_contact_language", sa.String(length=10),
                                     nullable=True))
    op.add_column("trips", sa.Column("emergency_contact_consent", sa.Boolean(),
                                     server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column("trips", "emergency_contact_consent")
    op.drop_column("trips", "emergency_contact_language")
    op.drop_column("trips", "emergency_contact_email")
