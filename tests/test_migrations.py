"""The Alembic migrations build exactly the schema the models declare."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.db import db


def test_models_and_migrations_agree(app):
    with app.app_context():
        diff = compare_metadata(MigrationContext.configure(db.session.connection()), db.metadata)
    assert diff == []
