"""Where the tests' databases live: SQLite files (the default), or databases on the PostgreSQL
server named by KEPUBOT_TEST_DATABASE_URL (`make test-postgres`, and CI).

On PostgreSQL a migrated and seeded template database is made once per run; each test gets
its own `CREATE DATABASE … TEMPLATE …` copy (as cheap as copying the SQLite file), dropped
after the test.
"""

from __future__ import annotations

import itertools
import os

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

TEST_DATABASE_ENV = "KEPUBOT_TEST_DATABASE_URL"
_serial = itertools.count(1)


def postgres_server_url() -> str | None:
    """The PostgreSQL server the suite runs against, or None for SQLite."""
    url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not url or url.startswith("sqlite"):
        return None
    return url


def on_postgres() -> bool:
    return postgres_server_url() is not None


skip_on_postgres = pytest.mark.skipif(
    on_postgres(), reason="about SQLite's own behaviour (file copies, WAL, busy timeout)"
)


class PostgresDatabases:
    """Creates and drops databases on one server; names are unique per test run."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.prefix = f"kepubot_t{os.getpid()}"
        self._admin: Engine = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def create(self, *, template: str | None = None) -> str:
        """A new database (empty, or a copy of `template`); returns its name."""
        name = f"{self.prefix}_{next(_serial)}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return name

    def drop(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def refuse_connections(self, name: str, *, refuse: bool = True) -> None:
        """An outage of one database: no new connections, and the open ones cut (as when the
        server stops, without stopping the server the rest of the suite uses); `refuse=False`
        ends it."""
        with self._admin.connect() as conn:
            allow = "false" if refuse else "true"
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {allow}'))
            if refuse:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )

    def drop_leftovers(self) -> None:
        """Drop every database of this run (a test that failed may leave one behind)."""
        with self._admin.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                {"pattern": f"{self.prefix}\\_%"},
            ).scalars()
            for name in list(names):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()
