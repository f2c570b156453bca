"""Taking an update in: its id into the ledger and its sender's record, in one write.

Both are written by the group commit (`bot.group_commit`), so under load the updates of many
users share one transaction; the update goes on only once its id is committed, which keeps
a re-delivered update (at another process too) from having a second effect.
"""

from __future__ import annotations

import asyncio
import functools

from sqlalchemy import Connection

from bot.group_commit import GroupCommit
from bot.people import People, UserInfo
from bot.processed import ProcessedUpdates


class Intake:
    """The first write of every update."""

    def __init__(self, writer: GroupCommit, processed: ProcessedUpdates, people: People) -> None:
        self._writer = writer
        self._processed = processed
        self._people = people

    async def admit(self, update_id: int, sender: UserInfo | None) -> bool:
        """Record the update (and its sender); False when it was taken in before."""
        if sender is not None and not self._people.due(sender.id):
            sender = None  # recorded lately: the ledger alone
        unit = functools.partial(self._admit, update_id=update_id, sender=sender)
        return await asyncio.wrap_future(self._writer.submit(unit))

    def _admit(self, connection: Connection, *, update_id: int, sender: UserInfo | None) -> bool:
        if not self._processed.record(connection, update_id):
            return False
        if sender is not None:
            self._people.record_contact(connection, sender)
        return True
