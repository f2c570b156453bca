"""Taking an update in: its id into the ledger and its sender's record, in one write.

Both are written by the group commit (`bot.group_commit`), so under load the updates of many
users share one transaction; the update goes on only once its id is committed, which keeps
a re-delivered update (at another process too) from having a second effect.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from bot.group_commit import GroupCommit
from bot.people import People, UserInfo
from bot.processed import ProcessedUpdates

log = logging.getLogger(__name__)


class Intake:
    """The first write of every update."""

    def __init__(self, writer: GroupCommit, processed: ProcessedUpdates, people: People) -> None:
        self._writer = writer
        self._processed = processed
        self._people = people

    async def admit(self, update_id: int, sender: UserInfo | None) -> bool:
        """Record the update (and its sender); False when it was taken in before.

        With the database away the update goes on unrecorded: what needs no database (an
        answer from the in-memory snapshot) is still given, and what does fails on its own
        write, where the user is asked to try again. A re-delivery in that window is the
        price of answering at all.
        """
        if sender is not None and not self._people.due(sender.id):
            sender = None  # recorded lately: the ledger alone
        unit = functools.partial(self._admit, update_id=update_id, sender=sender)
        try:
            return await asyncio.wrap_future(self._writer.submit(unit))
        except OperationalError as exc:
            log.warning("update %s goes on unrecorded: the database is away (%s)", update_id, exc)
            if sender is not None:
                self._people.forget(sender.id)  # record them once the database is back
            return True

    def _admit(self, connection: Connection, *, update_id: int, sender: UserInfo | None) -> bool:
        if not self._processed.record(connection, update_id):
            return False
        if sender is not None:
            self._people.record_contact(connection, sender)
        return True
