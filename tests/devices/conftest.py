"""Device fixtures: the alerts' ones (eager Celery, local push receiver, travelers with
devices placed at a position)."""
from tests.alerts.conftest import (  # noqa: F401  (fixtures)
    create_traveler,
    push_config,
    receiver,
)
