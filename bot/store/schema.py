"""The schema of every table (the content store's and the bot's own): Alembic migrations in
one chain, run on start-up by every entry point."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(.+)$", re.M)


def _script_heads() -> set[str]:
    """The newest revisions of the migration scripts, read from their files (no Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            ids = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (revisions if name == "revision" else parents).update(ids)
    return revisions - parents


def _current_heads(engine: Engine) -> set[str] | None:
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None  # a new database: no version table yet
    return {row[0] for row in rows}


def migrate(engine: Engine) -> None:
    """Bring the schema up to date; never drops organizer data."""
    if _current_heads(engine) == _script_heads():
        return  # the usual case, answered without loading Alembic (a quicker first answer)
    # Alembic is imported here, not at module level: most commands never need it.
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = _alembic_config(engine)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        return
    log.info("migrating database schema to %s", ", ".join(sorted(heads)))
    command.upgrade(config, "heads")
