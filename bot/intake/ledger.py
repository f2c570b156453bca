"""Updates taken in, from arrival to the start of their handling: the durable inbox and the
ledger that keeps a re-delivered update from a second effect.

1. Arrival (`take_in`): the update is written with its payload before Telegram is told it
   arrived (the next getUpdates, or the webhook's 200). A copy whose id is there already is a
   re-delivery and is dropped.
2. Start (`start`): as handling begins, the row is marked started and its payload dropped; the
   primary key and the mark let exactly one process start it. An update whose handling
   started is never started again (at most once: a user would rather resend than get two
   answers or two submissions).
3. Orphans (`orphans`): an update taken in but not started for a while belonged to a process
   that died with it in memory; another process claims it and handles it.

All three are committed by the group commit (`bot.intake.updates`). Telegram re-delivers for at most a
day, so older rows are purged now and then.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Connection, Engine, Table, bindparam, delete, update

from bot.clock import Clock
from bot.store.models import ProcessedUpdate
from content.db import insert_or_ignore_many, write_scope

log = logging.getLogger(__name__)

PROCESSED: Table = ProcessedUpdate.__table__  # type: ignore[attr-defined]
KEEP = timedelta(hours=25)
"""How long an update id is remembered (Telegram keeps an update for 24 hours)."""
PURGE_EVERY_SECONDS = 600.0
START = (
    update(PROCESSED)
    .where(
        PROCESSED.c.update_id.in_(bindparam("ids", expanding=True)),
        PROCESSED.c.started_at.is_(None),
    )
    .values(started_at=bindparam("started"), payload=None)
    .returning(PROCESSED.c.update_id)
)


class ProcessedUpdates:
    """The ledger of update ids (blocking calls; one short transaction each)."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        keep: timedelta = KEEP,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._keep = keep
        self._monotonic = monotonic
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()

    def take_in(self, connection: Connection, update_id: int, payload: str) -> bool:
        """Keep an arriving update; False when it arrived before (a re-delivery)."""
        [kept] = self.take_in_many(connection, [(update_id, payload)])
        return kept

    def take_in_many(self, connection: Connection, arrivals: list[tuple[int, str]]) -> list[bool]:
        """`take_in` for many (update id, payload) pairs in one statement."""
        self._purge_now_and_then(connection)
        now = self._clock()
        rows: dict[int, dict[str, object]] = {}
        for update_id, payload in arrivals:
            rows.setdefault(
                update_id, {"update_id": update_id, "seen_at": now, "payload": payload}
            )
        inserted = insert_or_ignore_many(connection, PROCESSED, list(rows.values()))
        # One that is there already arrived before, or its handling started first.
        return self._firsts([update_id for update_id, _ in arrivals], inserted)

    def start(self, connection: Connection, update_id: int) -> bool:
        """Mark the update's handling started; False when it started before (anywhere).

        An update handed over without `take_in` (a test, a local chat) is recorded here.
        """
        [started] = self.start_many(connection, [update_id])
        return started

    def start_many(self, connection: Connection, update_ids: list[int]) -> list[bool]:
        """`start` for many update ids in one or two statements."""
        now = self._clock()
        ids = list(dict.fromkeys(update_ids))
        marked: set[tuple[int, ...]] = {
            (int(row[0]),) for row in connection.execute(START, {"ids": ids, "started": now})
        }
        unknown = [update_id for update_id in ids if (update_id,) not in marked]
        if unknown:
            self._purge_now_and_then(connection)
            rows = [{"update_id": u, "seen_at": now, "started_at": now} for u in unknown]
            marked |= insert_or_ignore_many(connection, PROCESSED, rows)
        started = self._firsts(update_ids, marked)
        for update_id, first in zip(update_ids, started, strict=True):
            if not first:
                log.info("update %s was delivered again: ignored", update_id)
        return started

    @staticmethod
    def _firsts(update_ids: list[int], done: set[tuple[int, ...]]) -> list[bool]:
        """For each id, whether it is done here: a repeat of an id within the batch is not."""
        results = []
        seen: set[int] = set()
        for update_id in update_ids:
            results.append((update_id,) in done and update_id not in seen)
            seen.add(update_id)
        return results

    def orphans(self, connection: Connection, older_than: timedelta) -> list[str]:
        """Claim the updates taken in but not started for `older_than` (their process died);
        returns their payloads. Claimed ones look new again, so no other process takes them
        before this one starts them."""
        now = self._clock()
        claimed = connection.execute(
            update(PROCESSED)
            .where(PROCESSED.c.started_at.is_(None), PROCESSED.c.seen_at < now - older_than)
            .values(seen_at=now)
            .returning(PROCESSED.c.update_id, PROCESSED.c.payload)
        ).all()
        return [str(payload) for _, payload in sorted(claimed) if payload]

    def purge(self, connection: Connection | None = None) -> int:
        """Forget update ids older than the keeping time; returns how many."""
        if connection is None:
            with write_scope(self._engine) as own:
                return self.purge(own)
        cutoff = self._clock() - self._keep
        result = connection.execute(delete(PROCESSED).where(PROCESSED.c.seen_at < cutoff))
        return int(result.rowcount or 0)

    def _purge_now_and_then(self, connection: Connection) -> None:
        now = self._monotonic()
        if now < self._next_purge or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._next_purge = now + PURGE_EVERY_SECONDS
            purged = self.purge(connection)
            if purged:
                log.debug("forgot %d processed update id(s)", purged)
        finally:
            self._purge_lock.release()
