"""Group commit: many small writes from many callers, one transaction per batch.

Every update writes a little (its id in the ledger, its sender's record, the question asked).
One transaction each costs a commit each, and on SQLite the writers of one database take
turns, so under load they queue. Here the writes waiting are taken together and committed in
one transaction: a caller that must know its write is done (the update ledger) awaits its
future, which is settled only after the commit; a caller that need not (the question log)
lets it go.

Writes of one kind go in bulk: an item submitted to a `Bulk` (say, one update id for the
ledger) waits with the other items of that kind, and the bulk writes them all with one
statement. The batch first runs without savepoints (they cost more than the writes); if
anything in it fails, it is rolled back and run again with each item in its own savepoint, so
a failure is its own item's alone. Bulks and units must therefore write through their
connection only: they may run a second time after a rollback.

Who commits: a writer thread, for writes submitted off the event loop and on PostgreSQL. On
SQLite, writes submitted on the event loop are committed by the loop itself at its next turn,
if the write lock is free at once (a SQLite commit in WAL mode does not wait for the disk;
checkpoints, which do, are left to the writer thread); otherwise, say while an import holds
the lock, they go to the writer thread, which waits for the lock. A write handed to a thread
waits for the thread to get Python's interpreter lock back after each database call, several
times a batch, while the loop is busy: under load that made a batch take 15–50 ms.

Telegram-free and blocking inside; `submit` may be called from any thread.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Connection, Engine

from content.db import (
    WriteLockTaken,
    checkpoint,
    open_writer_that_never_waits,
    write_scope,
    write_scope_now,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
Unit = Callable[[Connection], T]
Bulk = Callable[[Connection, list[Any]], list[Any]]
"""Writes many items of one kind at once; returns one result per item, in their order."""

MAX_BATCH = 500
"""Items per transaction at most (a batch stays short even under a burst)."""
CHECKPOINT_SECONDS = 1.0
"""After commits on the event loop, the writer thread checkpoints SQLite at most this often."""
RETRY_SECONDS = 0.002
"""While another writer of this process has the write lock, the loop tries again this soon."""
Transaction = Callable[[], AbstractContextManager[Connection]]


def each(connection: Connection, units: list[Unit[Any]]) -> list[Any]:
    """The bulk of plain units: each runs on its own."""
    return [unit(connection) for unit in units]


class _Entry(NamedTuple):
    bulk: Bulk
    item: Any
    future: Future[Any]


class _Started(Exception):
    """A batch failed after its transaction began (an item's own failure, most likely)."""


_CHECKPOINT = object()
"""Queued for the writer thread: checkpoint SQLite (see `checkpoint`)."""


class GroupCommit:
    """Commits writes in batches: on the event loop (SQLite) or on a writer thread (started
    on first use)."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self._max_batch = max_batch
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        self._on_loop = engine.dialect.name == "sqlite"
        self._waiting: list[_Entry] = []
        """Submitted on the event loop, for its next turn."""
        self._waiting_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._writer: Connection | None = None
        self._writer_lock = threading.Lock()
        self._next_checkpoint = 0.0
        self.batches = 0
        """Transactions committed (a counter for tests and the benchmark)."""
        self.handed_over = 0
        """Batches the event loop could not commit at once and gave to the thread."""

    def submit(self, unit: Unit[T]) -> Future[T]:
        """Queue `unit`; its future holds its result once the batch has committed."""
        return self.submit_to(each, unit)

    def submit_to(self, bulk: Bulk, item: Any) -> Future[Any]:
        """Queue `item` for `bulk`; its future holds its result once the batch has committed."""
        future: Future[Any] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the database writer is closed"))
            return future
        entry = _Entry(bulk, item, future)
        loop = _running_loop() if self._on_loop else None
        if loop is None:
            self._to_thread(entry)
            return future
        with self._waiting_lock:
            if not self._waiting or self._loop is not loop:
                self._loop = loop
                loop.call_soon(self._commit_on_loop)
            self._waiting.append(entry)
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
        loop = _running_loop()
        if loop is not None and loop is self._loop:
            self._commit_on_loop(wait_here=False)  # on the loop itself: its turn comes too late
        elif self._loop is None or not self._loop.is_running():
            self._hand_waiting_to_thread()
        else:
            with self._waiting_lock:
                waiting = [entry.future for entry in self._waiting]
            for future in waiting:
                future.exception()  # waits
        if self._thread is not None:
            self._queue.join()

    def close(self) -> None:
        """Commit what is queued, then stop the thread (at shutdown)."""
        self._closed = True
        self._hand_waiting_to_thread()
        with self._start_lock:
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join()
        with self._writer_lock:
            if self._writer is not None:
                self._writer.invalidate()  # it never waits: not for the pool's other users
                self._writer = None

    def _to_thread(self, entry: Any) -> None:
        self._ensure_thread()
        self._queue.put(entry)

    def _hand_waiting_to_thread(self) -> None:
        with self._waiting_lock:
            waiting, self._waiting = self._waiting, []
        for entry in waiting:
            self._to_thread(entry)

    def _commit_on_loop(self, *, wait_here: bool = True) -> None:
        """The loop's turn: commit what was submitted on it, if the write lock is free at
        once. While another writer of this process has it (for a moment), try again shortly
        (unless not `wait_here`); while another process has it, hand the writes to the
        writer thread, which waits for it."""
        with self._waiting_lock:
            waiting, self._waiting = self._waiting, []
        entries = [entry for entry in waiting if not entry.future.cancelled()]
        if not entries:
            return
        with self._writer_lock:
            try:
                writer = self._open_writer()
                self._commit(entries, lambda: write_scope_now(writer))
            except WriteLockTaken as exc:
                if wait_here and exc.by_this_process and self._try_again_soon(entries):
                    return
                self._hand_to_thread(entries)
                return
            except Exception as exc:  # no connection: nothing written
                log.warning("the event loop could not write: %s", exc)
                self._hand_to_thread(entries)
                return
        now = time.monotonic()
        if now >= self._next_checkpoint:
            self._next_checkpoint = now + CHECKPOINT_SECONDS
            self._to_thread(_CHECKPOINT)

    def _try_again_soon(self, entries: list[_Entry]) -> bool:
        loop = _running_loop()
        if loop is None or self._closed:
            return False
        with self._waiting_lock:
            self._waiting[:0] = entries  # before any submitted since, in their order
            self._loop = loop
        loop.call_later(RETRY_SECONDS, self._commit_on_loop)
        return True

    def _hand_to_thread(self, entries: list[_Entry]) -> None:
        self.handed_over += 1
        for entry in entries:
            self._to_thread(entry)

    def _open_writer(self) -> Connection:
        """The loop's connection, opened again after a failure broke it."""
        writer = self._writer
        if writer is not None and (writer.invalidated or writer.closed):
            writer.invalidate()
            writer = None
        if writer is None:
            writer = self._writer = open_writer_that_never_waits(self.engine)
        return writer

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
                if isinstance(entry, _Entry) and entry.future.set_running_or_notify_cancel()
            ]
            try:
                if entries:
                    self._commit(entries, lambda: write_scope(self.engine))
                if _CHECKPOINT in batch:
                    self._checkpoint()
            finally:
                for _ in batch:
                    self._queue.task_done()
            if None in batch:
                return

    def _checkpoint(self) -> None:
        try:
            checkpoint(self.engine)
        except Exception as exc:  # the next one will do
            log.warning("could not checkpoint the database: %s", exc)

    def _commit(self, entries: list[_Entry], transaction: Transaction) -> None:
        """Write the entries in one transaction; settle their futures after the commit.
        `WriteLockTaken` (from `transaction`) is raised with nothing written or settled."""
        try:
            try:
                outcomes = self._together(entries, transaction)
            except _Started:  # something failed: again, each item in a savepoint of its own
                outcomes = self._one_by_one(entries, transaction)
        except WriteLockTaken:
            raise
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

    def _together(
        self, entries: list[_Entry], transaction: Transaction
    ) -> list[tuple[Any, BaseException | None]]:
        """Each bulk once for all its items, no savepoints (the common case: nothing fails)."""
        kinds: dict[Bulk, list[int]] = {}  # in the order each kind first came
        for index, entry in enumerate(entries):
            kinds.setdefault(entry.bulk, []).append(index)
        outcomes: list[tuple[Any, BaseException | None]] = [(None, None)] * len(entries)
        with transaction() as connection:
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

    def _one_by_one(
        self, entries: list[_Entry], transaction: Transaction
    ) -> list[tuple[Any, BaseException | None]]:
        outcomes: list[tuple[Any, BaseException | None]] = []
        with transaction() as connection:
            for entry in entries:
                try:
                    with connection.begin_nested():
                        [result] = entry.bulk(connection, [entry.item])
                    outcomes.append((result, None))
                except Exception as exc:  # this item only: its savepoint is rolled back
                    outcomes.append((None, exc))
        return outcomes


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
