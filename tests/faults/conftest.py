"""Fault tests reuse the alert fixtures: a local push receiver that can be scripted to fail,
eager Celery, travelers with subscribed devices and staff signed in through TOTP."""
from tests.alerts.conftest import (  # noqa: F401  (fixtures, registered by import)
    create_traveler,
    new_client,
    push_config,
    receiver,
    sign_in_staff,
)
