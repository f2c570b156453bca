"""Database engine and sessions: SQLite and PostgreSQL set up alike, units of work, bulk writes."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

log = logging.getLogger(__name__)

WRITE_OPTION = "kepubot_write"
"""Execution option of the connections `session_scope` uses: the unit of work writes."""
SQLITE_BUSY_SECONDS = 10
"""How long a SQLite write waits for another process's lock before it fails (then the user is
asked to try again; an import of 5,000 events holds it about 5 s)."""
POSTGRES_POOL_SIZE = 10
POSTGRES_MAX_OVERFLOW = 20

_sqlite_writers: dict[str, threading.RLock] = {}
_sqlite_writers_guard = threading.Lock()


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get their folder, WAL, a busy timeout and write
    transactions that take the lock up front."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=POSTGRES_POOL_SIZE,
            max_overflow=POSTGRES_MAX_OVERFLOW,
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
        # The driver must not open transactions on its own: `_sqlite_begin` does.
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Connection) -> None:
        # A deferred transaction that reads and then writes cannot wait for the write lock
        # (its snapshot may be stale): SQLite fails it at once with "database is locked",
        # busy timeout or not. Writers take the lock at BEGIN instead, where they do wait.
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def ping(engine: Engine) -> None:
    """Raise unless the database answers (the health check)."""
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One short unit of work that writes: commit on success, roll back on error.

    On SQLite its transaction takes the write lock when it begins (see `create_db_engine`),
    and the writers of this process queue for it on a mutex first: SQLite's own busy handler
    waits by sleeping (1, 2, 5 … 100 ms), far longer than a write here takes, so writers of
    one process that met at BEGIN would mostly sleep. Other processes still meet at BEGIN.
    """
    writer = engine.execution_options(**{WRITE_OPTION: True})
    with _writer_turn(engine), Session(writer, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def write_scope(engine: Engine) -> Iterator[Connection]:
    """`session_scope` without the ORM: one transaction that writes, on a Connection."""
    writer = engine.execution_options(**{WRITE_OPTION: True})
    with _writer_turn(engine), writer.begin() as connection:
        yield connection


def insert_or_ignore_many(
    connection: Connection, table: Table, rows: list[dict[str, Any]]
) -> set[tuple[Any, ...]]:
    """Insert the rows whose keys are not there yet, in one statement; returns the keys (as
    tuples) of those inserted. Of rows sharing a key, the first is inserted."""
    if not rows:
        return set()
    statement = _statement(connection.dialect.name, table, "ignore", ())
    return {tuple(row) for row in connection.execute(statement, rows)}


def upsert(
    connection: Connection,
    table: Table,
    values: dict[str, Any] | list[dict[str, Any]],
    *,
    keep: tuple[str, ...] = (),
) -> None:
    """Insert a row, or update the one with its primary key (every column given but `keep`);
    a list of rows (all with the same columns) goes in one batch."""
    rows = values if isinstance(values, list) else [values]
    if not rows:
        return
    changed = tuple(sorted(name for name in rows[0] if name not in keep))
    connection.execute(_statement(connection.dialect.name, table, "update", changed), values)


@functools.cache
def _statement(dialect: str, table: Table, conflict: str, changed: tuple[str, ...]) -> Any:
    """A prepared INSERT … ON CONFLICT for `dialect`: built once, its values bound per call."""
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
    key = [column.name for column in table.primary_key.columns]
    if conflict == "ignore":  # RETURNING tells whether it was inserted (rowcount may not)
        returned = list(table.primary_key.columns)
        return statement.on_conflict_do_nothing(index_elements=key).returning(*returned)
    updates = {name: statement.excluded[name] for name in changed if name not in key}
    return statement.on_conflict_do_update(index_elements=key, set_=updates)


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    """Hold this process's writer mutex of a SQLite file (nothing on other databases)."""
    with _writer_lock(engine) or nullcontext():
        yield


def _writer_lock(engine: Engine) -> threading.RLock | None:
    if engine.dialect.name != "sqlite":
        return None
    key = str(engine.url)
    lock = _sqlite_writers.get(key)
    if lock is None:
        with _sqlite_writers_guard:
            lock = _sqlite_writers.setdefault(key, threading.RLock())
    return lock


class WriteLockTaken(Exception):
    """The write lock was not free at once (`write_scope_now`): nothing was written."""

    def __init__(self, reason: str, *, by_this_process: bool) -> None:
        super().__init__(reason)
        self.by_this_process = by_this_process
        """Taken by another writer of this process (it will be done soon), not another
        process's (which may hold it for seconds)."""


def open_writer_that_never_waits(engine: Engine) -> Connection:
    """A SQLite connection for `write_scope_now`: it never waits for the write lock, and
    leaves checkpoints (which wait for the disk) to other connections (`checkpoint`).

    Close it with `.invalidate()`: it must not go back to the pool as it is.
    """
    connection = engine.execution_options(**{WRITE_OPTION: True}).connect()
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]
    driver.execute("PRAGMA wal_autocheckpoint=0")  # type: ignore[union-attr]
    return connection


@contextmanager
def write_scope_now(connection: Connection) -> Iterator[Connection]:
    """`write_scope` on a connection of `open_writer_that_never_waits`, only if the write lock
    is free at once; else `WriteLockTaken` is raised before anything is written."""
    lock = _writer_lock(connection.engine)
    if lock is not None and not lock.acquire(blocking=False):
        raise WriteLockTaken("another writer of this process has it", by_this_process=True)
    try:
        try:
            transaction = connection.begin()
        except OperationalError as exc:  # another process's writer (or no database at all)
            raise WriteLockTaken(str(exc), by_this_process=False) from exc
        with transaction:
            yield connection
    finally:
        if lock is not None:
            lock.release()


def checkpoint(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database as far as readers allow, without
    waiting for anyone (a no-op on other databases)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        driver.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
