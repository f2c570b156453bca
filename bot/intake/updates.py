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

    async def admit(self, update_id: int, sender: UserInfo | None) -> bool:
        """Mark the update's handling started (and record its sender); False when it started
        before, here or in another process.

        With the database away the update goes on unrecorded: what needs no database (an
        answer from the in-memory snapshot) is still given, and what does fails on its own
        write, where the user is asked to try again. A re-delivery in that window is the
        price of answering at all.
        """
        if sender is not None and not self._people.due(sender.id):
            sender = None  # recorded lately: the ledger alone
        try:
            return await asyncio.wrap_future(
                self._writer.submit_to(self._admit, (update_id, sender))
            )
        except OperationalError as exc:
            log.warning("update %s goes on unrecorded: the database is away (%s)", update_id, exc)
            if sender is not None:
                self._people.forget(sender.id)  # record them once the database is back
            return True

    def _take_in(self, connection: Connection, arrivals: list[tuple[int, str]]) -> list[bool]:
        return self._processed.take_in_many(connection, arrivals)

    def _admit(
        self, connection: Connection, arrivals: list[tuple[int, UserInfo | None]]
    ) -> list[bool]:
        started = self._processed.start_many(connection, [update_id for update_id, _ in arrivals])
        senders = [sender for (_, sender), ok in zip(arrivals, started, strict=True) if ok]
        self._people.record_contacts(connection, [s for s in senders if s is not None])
        return started
