"""The database every part shares: the bot's own tables (models), the schema of all tables
and its migrations (schema, migrations/), many small writes in one commit (group_commit), and
`open_store`, which every entry point calls: engine, migration and seeding."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from bot.settings import Settings
from bot.store.schema import migrate
from content.db import create_db_engine
from content.seed import DEFAULT_CONTENT_DIR, seed

log = logging.getLogger(__name__)


def open_store(settings: Settings) -> Engine:
    """An engine on an up-to-date, seeded database (created on first use)."""
    engine = create_db_engine(settings.database_url)
    migrate(engine)
    if seed(engine, settings.content_dir or DEFAULT_CONTENT_DIR):
        log.info("content store seeded")
    return engine
