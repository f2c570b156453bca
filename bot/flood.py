"""Flood control: how many messages one user may send in a window (Telegram-free): in this
process's memory (`FloodGate`), or counted in the store by every process (`SharedFloodGate`)."""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta

from sqlalchemy import Connection, Table, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from bot.store.group_commit import GroupCommit
from bot.store.models import FloodCount

log = logging.getLogger(__name__)

FLOOD: Table = FloodCount.__table__  # type: ignore[attr-defined]
PURGE_EVERY_SECONDS = 60.0


class Verdict(enum.Enum):
    """What to do with one incoming message."""

    ALLOW = "allow"
    NOTIFY = "notify"
    """Over the limit for the first time in this window: say so once, answer nothing."""
    DROP = "drop"


class FloodGate:
    """A sliding window per sender: at most `limit` messages every `window`.

    A sender is any hashable key: a Telegram user id, a web visitor, ("address", ip).
    """

    def __init__(self, limit: int, window: timedelta, max_users: int = 100_000) -> None:
        self._limit = limit
        self._window = window
        self._max_users = max_users
        self._seen: dict[Hashable, deque[datetime]] = {}
        self._warned: dict[Hashable, datetime] = {}

    def check(self, user_id: Hashable, now: datetime) -> Verdict:
        """Record one message from `user_id` at `now` and judge it."""
        if self._limit <= 0:
            return Verdict.ALLOW
        times = self._seen.get(user_id)
        if times is None:
            if len(self._seen) >= self._max_users:
                self._forget_idle(now)
            times = self._seen[user_id] = deque()
        horizon = now - self._window
        while times and times[0] <= horizon:
            times.popleft()
        if len(times) < self._limit:
            times.append(now)
            return Verdict.ALLOW
        warned = self._warned.get(user_id)
        if warned is None or warned <= horizon:
            self._warned[user_id] = now
            return Verdict.NOTIFY
        return Verdict.DROP

    def _forget_idle(self, now: datetime) -> None:
        horizon = now - self._window
        for user_id in [u for u, t in self._seen.items() if not t or t[-1] <= horizon]:
            self._seen.pop(user_id, None)
            self._warned.pop(user_id, None)


class SharedFloodGate:
    """Flood control that holds across processes: fixed windows counted in the store.

    Every process counts a sender's messages in one row per window (`FloodCount`), through
    the group commit: under load the counts of many senders go in one statement of a batch
    the update ledger commits anyway, so the shared count costs no transaction of its own.
    A burst across a window's boundary may get up to twice the limit through, once. With the
    store away the count is this process's own (`fallback`).
    """

    def __init__(
        self,
        writer: GroupCommit,
        limit: int,
        window: timedelta,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._writer = writer
        self._limit = limit
        self._seconds = max(1, round(window.total_seconds()))
        self._fallback = FloodGate(limit, window)
        self._monotonic = monotonic
        self._next_purge = 0.0

    async def check(self, sender: Hashable, now: datetime) -> Verdict:
        """Count one message from `sender` at `now` in the store and judge it."""
        if self._limit <= 0:
            return Verdict.ALLOW
        period = int(now.timestamp()) // self._seconds
        try:
            count = await asyncio.wrap_future(
                self._writer.submit_to(self._count, (str(sender), period))
            )
        except OperationalError as exc:
            log.warning("flood count kept in this process: the database is away (%s)", exc)
            return self._fallback.check(sender, now)
        if count <= self._limit:
            return Verdict.ALLOW
        return Verdict.NOTIFY if count == self._limit + 1 else Verdict.DROP

    def _count(self, connection: Connection, items: list[tuple[str, int]]) -> list[int]:
        """The bulk: one upsert for the batch; each item gets its own running count."""
        added = Counter(items)
        insert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(
            FLOOD
        )
        statement = (
            insert.values([{"sender": s, "period": p, "count": n} for (s, p), n in added.items()])
            .on_conflict_do_update(
                index_elements=["sender", "period"],
                set_={"count": FLOOD.c["count"] + insert.excluded["count"]},
            )
            .returning(FLOOD.c.sender, FLOOD.c.period, FLOOD.c["count"])
        )
        totals = {(str(row[0]), int(row[1])): int(row[2]) for row in connection.execute(statement)}
        self._purge_now_and_then(connection, max(p for _, p in items))
        seen: Counter[tuple[str, int]] = Counter()
        counts = []
        for item in items:
            seen[item] += 1
            counts.append(totals[item] - added[item] + seen[item])
        return counts

    def _purge_now_and_then(self, connection: Connection, period: int) -> None:
        now = self._monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_EVERY_SECONDS
        connection.execute(delete(FLOOD).where(FLOOD.c.period < period - 1))
