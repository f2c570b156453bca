"""Updates already taken in: Telegram re-delivers an update it got no 200 for (a slow or
restarted webhook process, a poll whose offset was never confirmed), and the second copy must
have no effect.

Each update id is recorded with one INSERT as the update arrives (committed before the update
goes on, in a group commit shared with other updates: `bot.intake`); the primary key makes the
insert fail for an id already seen, so two processes that get the same update at the same
moment cannot both go on. That is at most once: an update whose handling failed half-way is
not handled again, as a user would rather resend than get two answers or two submissions.
Telegram re-delivers for at most a day, so older rows are purged now and then.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Connection, Engine, Table, delete

from bot.clock import Clock
from bot.models import ProcessedUpdate
from content.db import insert_or_ignore, write_scope

log = logging.getLogger(__name__)

PROCESSED: Table = ProcessedUpdate.__table__  # type: ignore[attr-defined]
KEEP = timedelta(hours=25)
"""How long an update id is remembered (Telegram keeps an update for 24 hours)."""
PURGE_EVERY_SECONDS = 600.0


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

    def first_sight(self, update_id: int) -> bool:
        """Record `update_id` in a transaction of its own; False for a re-delivery."""
        with write_scope(self._engine) as connection:
            return self.record(connection, update_id)

    def record(self, connection: Connection, update_id: int) -> bool:
        """Record `update_id` in `connection`'s transaction; False when it was there before."""
        self._purge_now_and_then(connection)
        row = {"update_id": update_id, "seen_at": self._clock()}
        if insert_or_ignore(connection, PROCESSED, row):
            return True
        log.info("update %s was delivered again: ignored", update_id)
        return False

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
