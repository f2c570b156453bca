"""Group commit: many small writes from many callers, one transaction per batch.

Every update writes a little (its id in the ledger, its sender's record, the question asked).
One transaction each costs a commit each, and on SQLite the writers of one database take
turns, so under load they queue. Here one thread takes whatever is waiting and commits it in
one transaction: a caller that must know its write is done (the update ledger) awaits its
future, which is settled only after the commit; a caller that need not (the question log)
lets it go.

Writes of one kind go in bulk: an item submitted to a `Bulk` (say, one update id for the
ledger) waits with the other items of that kind, and the bulk writes them all with one
statement. The batch first runs without savepoints (they cost more than the writes); if
anything in it fails, it is rolled back and run again with each item in its own savepoint, so
a failure is its own item's alone. Bulks and units must therefore write through their
connection only: they may run a second time after a rollback.

Telegram-free and blocking inside; `submit` may be called from any thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Connection, Engine

from content.db import write_scope

log = logging.getLogger(__name__)

T = TypeVar("T")
Unit = Callable[[Connection], T]
Bulk = Callable[[Connection, list[Any]], list[Any]]
"""Writes many items of one kind at once; returns one result per item, in their order."""

MAX_BATCH = 500
"""Items per transaction at most (a batch stays short even under a burst)."""


def each(connection: Connection, units: list[Unit[Any]]) -> list[Any]:
    """The bulk of plain units: each runs on its own."""
    return [unit(connection) for unit in units]


class _Entry(NamedTuple):
    bulk: Bulk
    item: Any
    future: Future[Any]


class _Started(Exception):
    """A batch failed after its transaction began (an item's own failure, most likely)."""


class GroupCommit:
    """A writer thread committing writes in batches (started on first use)."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self._max_batch = max_batch
        self._queue: queue.Queue[_Entry | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        self.batches = 0
        """Transactions committed (a counter for tests and the benchmark)."""

    def submit(self, unit: Unit[T]) -> Future[T]:
        """Queue `unit`; its future holds its result once the batch has committed."""
        return self.submit_to(each, unit)

    def submit_to(self, bulk: Bulk, item: Any) -> Future[Any]:
        """Queue `item` for `bulk`; its future holds its result once the batch has committed."""
        future: Future[Any] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the database writer is closed"))
            return future
        self._ensure_thread()
        self._queue.put(_Entry(bulk, item, future))
        return future

    def fire_to(self, bulk: Bulk, item: Any, what: str) -> None:
        """`submit_to` without waiting; a failure is logged (as `what`), not raised."""

        def report(future: Future[Any]) -> None:
            error = future.exception()
            if error is not None:
                log.error("could not record %s: %s", what, error)

        self.submit_to(bulk, item).add_done_callback(report)

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
            entries = [
                entry
                for entry in batch
                if entry is not None and entry.future.set_running_or_notify_cancel()
            ]
            try:
                if entries:
                    self._commit(entries)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if None in batch:
                return

    def _commit(self, entries: list[_Entry]) -> None:
        """Write the entries in one transaction; settle their futures after the commit."""
        try:
            try:
                outcomes = self._together(entries)
            except _Started:  # something failed: again, each item in a savepoint of its own
                outcomes = self._one_by_one(entries)
        except Exception as exc:  # the database is away (or the commit failed): nothing written
            log.warning("a batch of %d write(s) failed: %s", len(entries), exc)
            for entry in entries:
                entry.future.set_exception(exc)
            return
        self.batches += 1
        for entry, (result, error) in zip(entries, outcomes, strict=True):
            if error is None:
                entry.future.set_result(result)
            else:
                entry.future.set_exception(error)

    def _together(self, entries: list[_Entry]) -> list[tuple[Any, BaseException | None]]:
        """Each bulk once for all its items, no savepoints (the common case: nothing fails)."""
        kinds: dict[Bulk, list[int]] = {}  # in the order each kind first came
        for index, entry in enumerate(entries):
            kinds.setdefault(entry.bulk, []).append(index)
        outcomes: list[tuple[Any, BaseException | None]] = [(None, None)] * len(entries)
        with write_scope(self.engine) as connection:
            try:
                for bulk, indexes in kinds.items():
                    results = bulk(connection, [entries[index].item for index in indexes])
                    if len(results) != len(indexes):
                        raise RuntimeError(f"{bulk!r} gave {len(results)} results")
                    for index, result in zip(indexes, results, strict=True):
                        outcomes[index] = (result, None)
            except Exception as exc:
                raise _Started from exc
        return outcomes

    def _one_by_one(self, entries: list[_Entry]) -> list[tuple[Any, BaseException | None]]:
        outcomes: list[tuple[Any, BaseException | None]] = []
        with write_scope(self.engine) as connection:
            for entry in entries:
                try:
                    with connection.begin_nested():
                        [result] = entry.bulk(connection, [entry.item])
                    outcomes.append((result, None))
                except Exception as exc:  # this item only: its savepoint is rolled back
                    outcomes.append((None, exc))
        return outcomes
