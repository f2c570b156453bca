"""Group commit: many small writes from many callers, one transaction per batch.

Every update writes a little (its id in the ledger, its sender's record, the question asked).
One transaction each costs a commit each, and on SQLite the writers of one database take
turns, so under load they queue. Here one thread takes whatever units of work are waiting,
runs each in its own savepoint of one shared transaction, and commits once: a caller that
must know its write is done (the update ledger) awaits its unit's future, which is settled
only after the commit; a caller that need not (the question log) lets it go.

Telegram-free and blocking inside; `submit` may be called from any thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from content.db import write_scope

log = logging.getLogger(__name__)

T = TypeVar("T")
Unit = Callable[[Connection], T]

MAX_BATCH = 500
"""Units per transaction at most (a batch stays short even under a burst)."""


class GroupCommit:
    """A writer thread committing units of work in batches (started on first use)."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self._max_batch = max_batch
        self._queue: queue.Queue[tuple[Unit[Any], Future[Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        self.batches = 0
        """Transactions committed (a counter for tests and the benchmark)."""

    def submit(self, unit: Unit[T]) -> Future[T]:
        """Queue `unit`; its future holds its result once the batch has committed."""
        future: Future[T] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the database writer is closed"))
            return future
        self._ensure_thread()
        self._queue.put((unit, future))
        return future

    def fire(self, unit: Unit[Any], what: str) -> None:
        """`submit` without waiting; a failure is logged (as `what`), not raised."""

        def report(future: Future[Any]) -> None:
            error = future.exception()
            if error is not None:
                log.error("could not record %s: %s", what, error)

        self.submit(unit).add_done_callback(report)

    def flush(self) -> None:
        """Wait until everything submitted so far is committed (or has failed)."""
        if self._thread is not None:
            self._queue.join()

    def close(self) -> None:
        """Commit what is queued, then stop the thread (at shutdown)."""
        self._closed = True
        with self._start_lock:
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="db-group-commit", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            units = [item for item in batch if item is not None]
            try:
                if units:
                    self._commit(units)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if None in batch:
                return

    def _commit(self, units: list[tuple[Unit[Any], Future[Any]]]) -> None:
        """Run the units in one transaction, each in a savepoint; settle their futures."""
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with write_scope(self.engine) as connection:
                for unit, future in units:
                    if not future.set_running_or_notify_cancel():
                        continue
                    try:
                        with connection.begin_nested():
                            outcomes.append((future, unit(connection), None))
                    except Exception as exc:  # this unit only: its savepoint is rolled back
                        outcomes.append((future, None, exc))
        except Exception as exc:  # the commit failed (the database is away): nothing written
            log.warning("a batch of %d write(s) failed: %s", len(units), exc)
            for unit_future in (future for _, future in units):
                if not unit_future.done():
                    unit_future.set_exception(exc)
            return
        self.batches += 1
        for future, result, error in outcomes:
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)
