"""Taking updates in (see `bot.intake.ledger`): kept on arrival, marked started (with the sender's
record) as handling begins, and claimed back from a process that died.

Every step goes through the group commit (`bot.store.group_commit`), awaited: under load the updates
of many users are written with one statement per kind in one transaction, and nothing goes on
before its write is committed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import Future
from datetime import timedelta

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from bot.intake.ledger import ProcessedUpdates
from bot.people import People, UserInfo
from bot.store.group_commit import GroupCommit

log = logging.getLogger(__name__)


class Intake:
    """The first write of every update."""

    def __init__(self, writer: GroupCommit, processed: ProcessedUpdates, people: People) -> None:
        self._writer = writer
        self._processed = processed
        self._people = people
        self._reclaimed: set[int] = set()
        """Questions admitted here that a dead process had started (see `reclaimed`)."""

    async def receive(self, update_id: int, payload: str) -> bool:
        """Keep an arriving update (its JSON); False when it is there already (a re-delivery,
        or its handling started first). With the database away it is taken without being
        kept (it is handled, unless the process dies first)."""
        arrival = (update_id, payload)
        try:
            return await asyncio.wrap_future(self._writer.submit_to(self._take_in, arrival))
        except OperationalError as exc:
            log.warning("update %s taken in unkept: the database is away (%s)", update_id, exc)
            return True

    async def orphans(self, older_than: timedelta) -> list[str]:
        """The payloads of updates a dead process took in and never started (claimed)."""
        unit = functools.partial(self._processed.orphans, older_than=older_than)
        return await asyncio.wrap_future(self._writer.submit(unit))

    async def admit(
        self, update_id: int, sender: UserInfo | None, *, question: bool = False
    ) -> bool:
        """Mark the update's handling started (and record its sender); False when it started
        before, here or in another process. A `question` (a plain question, no effect) is
        answered again by another process if this one dies before `answered`.

        With the database away the update goes on unrecorded: what needs no database (an
        answer from the in-memory snapshot) is still given, and what does fails on its own
        write, where the user is asked to try again. A re-delivery in that window is the
        price of answering at all.
        """
        if sender is not None and not self._people.due(sender.id):
            sender = None  # recorded lately: the ledger alone
        try:
            return await asyncio.wrap_future(
                self._writer.submit_to(self._admit, (update_id, sender, question))
            )
        except OperationalError as exc:
            log.warning("update %s goes on unrecorded: the database is away (%s)", update_id, exc)
            if sender is not None:
                self._people.forget(sender.id)  # record them once the database is back
            return True

    def reclaimed(self, update_id: int) -> bool:
        """Whether the question just admitted was claimed back from a dead process (asked
        once per admitted update)."""
        try:
            self._reclaimed.remove(update_id)
        except KeyError:
            return False
        return True

    async def resend(self, update_id: int) -> bool:
        """A reclaimed question is about to be answered: False when another handling of it
        answers (this one must not). With the database away it is answered."""
        unit = functools.partial(self._processed.resend, update_id=update_id)
        try:
            return bool(await asyncio.wrap_future(self._writer.submit(unit)))
        except OperationalError as exc:
            log.warning("update %s answered unmarked: the database is away (%s)", update_id, exc)
            return True

    def answered(self, update_id: int) -> None:
        """The reply to a question admitted with `question` was sent. Nobody waits for this
        write: it goes with the next batch of the group commit (no transaction of its own);
        if the process dies before it, the question is answered a second time."""
        self._writer.submit_to(self._answered, update_id).add_done_callback(
            functools.partial(_unmarked, update_id)
        )

    def _take_in(self, connection: Connection, arrivals: list[tuple[int, str]]) -> list[bool]:
        return self._processed.take_in_many(connection, arrivals)

    def _answered(self, connection: Connection, update_ids: list[int]) -> list[None]:
        return self._processed.answered(connection, update_ids)

    def _admit(
        self, connection: Connection, arrivals: list[tuple[int, UserInfo | None, bool]]
    ) -> list[bool]:
        questions = {update_id for update_id, _, question in arrivals if question}
        started = self._processed.start_many(
            connection, [update_id for update_id, _, _ in arrivals], questions, self._reclaimed
        )
        senders = [sender for (_, sender, _), ok in zip(arrivals, started, strict=True) if ok]
        self._people.record_contacts(connection, [s for s in senders if s is not None])
        return started


def _unmarked(update_id: int, marking: Future[list[None]]) -> None:
    error = marking.exception()
    if isinstance(error, OperationalError):  # the database is away: it may be answered again
        log.warning("answer to update %s not marked: the database is away", update_id)
    elif error is not None:
        log.error("answer to update %s not marked", update_id, exc_info=error)
