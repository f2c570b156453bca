"""Opening the content store: engine, schema migration and seeding, for every entry point."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from bot.settings import Settings
from content.db import create_db_engine, migrate
from content.seed import DEFAULT_CONTENT_DIR, seed

log = logging.getLogger(__name__)


def open_store(settings: Settings) -> Engine:
    """An engine on an up-to-date, seeded database (created on first use)."""
    engine = create_db_engine(settings.database_url)
    migrate(engine)
    if seed(engine, settings.content_dir or DEFAULT_CONTENT_DIR):
        log.info("content store seeded")
    return engine
