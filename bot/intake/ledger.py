"""Updates taken in, from arrival to the start of their handling: the durable inbox and the
ledger that keeps a re-delivered update from a second effect.

1. Arrival (`take_in`): the update is written with its payload before Telegram is told it
   arrived (the next getUpdates, or the webhook's 200). A copy whose id is there already is a
   re-delivery and is dropped.
2. Start (`start`): as handling begins, the row is marked started and its payload dropped; the
   primary key and the mark let exactly one process start it. An update with an effect (a
   submission, a grant, a broadcast) whose handling started is never started again (at most
   once: a user would rather resend than get two submissions).
   A plain question is different: answering it twice is harmless, never answering it is
   not. Its row is started with `answer_due` set and its payload kept, and `answered` (a
   write nobody waits for, shared with the next batch) clears both once the reply is sent.
3. Orphans (`orphans`): an update taken in but not started for a while belonged to a process
   that died with it in memory; another process claims it and handles it. So is a question
   started that long ago and still `answer_due` (at least once): it is claimed back and
   marked `reclaimed`. Such a handling may be the second to reply (the first may have sent
   its reply and died before `answered`), so it marks the row `resent` (`resend`, awaited:
   crashes are rare) just before its reply, and only if no other handling did; a `resent`
   row is never claimed again. So a user gets two answers at most, and a question is lost
   only if a process dies between that mark and its reply.

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
START_QUESTION = (
    update(PROCESSED)
    .where(
        PROCESSED.c.update_id.in_(bindparam("ids", expanding=True)),
        PROCESSED.c.started_at.is_(None),
    )
    .values(started_at=bindparam("started"), answer_due=True)
    .returning(PROCESSED.c.update_id, PROCESSED.c.reclaimed)
)
ANSWERED = (
    update(PROCESSED)
    .where(
        PROCESSED.c.update_id.in_(bindparam("ids", expanding=True)),
        PROCESSED.c.answer_due.is_(True),
    )
    .values(answer_due=False, payload=None)
)
RESEND = (
    update(PROCESSED)
    .where(PROCESSED.c.update_id == bindparam("id"), PROCESSED.c.resent.is_(False))
    .values(resent=True, answer_due=False, payload=None)
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

    def start_many(
        self,
        connection: Connection,
        update_ids: list[int],
        questions: frozenset[int] | set[int] = frozenset(),
        reclaimed: set[int] | None = None,
    ) -> list[bool]:
        """`start` for many update ids in one to three statements; those in `questions` are
        plain questions (answered again if their process dies before `answered`). The
        questions started here that were claimed back from a dead process are added to
        `reclaimed` (they must `resend` before they reply)."""
        now = self._clock()
        ids = list(dict.fromkeys(update_ids))
        marked: set[tuple[int, ...]] = set()
        others = [u for u in ids if u not in questions]
        if others:
            found = connection.execute(START, {"ids": others, "started": now})
            marked |= {(int(row[0]),) for row in found}
        asked = [u for u in ids if u in questions]
        if asked:
            for row in connection.execute(START_QUESTION, {"ids": asked, "started": now}):
                update_id, again = int(row[0]), bool(row[1])
                marked.add((update_id,))
                if again and reclaimed is not None:
                    reclaimed.add(update_id)
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

    def answered(self, connection: Connection, update_ids: list[int]) -> list[None]:
        """The replies to these questions were sent: they are not answered again."""
        connection.execute(ANSWERED, {"ids": list(dict.fromkeys(update_ids))})
        return [None] * len(update_ids)

    def resend(self, connection: Connection, update_id: int) -> bool:
        """A reclaimed question is about to be answered (maybe a second time): True when no
        other handling of it has said so before (then it may reply, else not)."""
        return connection.execute(RESEND, {"id": update_id}).first() is not None

    def orphans(self, connection: Connection, older_than: timedelta) -> list[str]:
        """Claim the updates taken in but not started for `older_than`, and the questions
        started that long ago and not answered (their process died); returns their payloads.
        Claimed ones look new again, so no other process takes them before this one starts
        them; a question is claimed this way until a handling of it `resend`s."""
        now = self._clock()
        claimed = list(
            connection.execute(
                update(PROCESSED)
                .where(PROCESSED.c.started_at.is_(None), PROCESSED.c.seen_at < now - older_than)
                .values(seen_at=now)
                .returning(PROCESSED.c.update_id, PROCESSED.c.payload)
            ).all()
        )
        claimed += connection.execute(
            update(PROCESSED)
            .where(
                PROCESSED.c.answer_due.is_(True),
                PROCESSED.c.resent.is_(False),
                PROCESSED.c.started_at < now - older_than,
            )
            .values(seen_at=now, started_at=None, answer_due=False, reclaimed=True)
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
