"""``celery -A tests.scaled.worker_app:celery``: the real worker app, with the few settings a
fault test shortens (batch size, lease, the sweep's grace and beat period) given as JSON in
``SCALED_WORKER_CONFIG``, so that a kill lands mid-fan-out and the sweep comes within seconds.
Everything else (tasks, database, broker, push sender) is the production code path."""
from __future__ import annotations

import json
import os

from server import create_app

celery = create_app(json.loads(os.environ.get("SCALED_WORKER_CONFIG") or "{}")
                    ).extensions["celery"]
