"""Platform tasks. Each runs in the schema of the commune that sent it (tenant-schemas-celery)."""

from __future__ import annotations

import logging

from jamaa.platform.celery_app import app
from jamaa.platform.db import current_schema as schema_of_connection

logger = logging.getLogger(__name__)


@app.task(name="jamaa.platform.core.tasks.current_schema")
def current_schema() -> str:
    """Return the schema the task ran in (used by the health checks and the tests)."""
    return schema_of_connection()


@app.task(name="jamaa.platform.core.tasks.commune_heartbeat")
def commune_heartbeat() -> str:
    """Periodic per-commune job: proves the commune's schedule fires in its own schema."""
    logger.info("heartbeat")
    return schema_of_connection()
