"""python-telegram-bot's update queue made durable (see `bot.processed`).

The Updater acknowledges updates to Telegram with its next getUpdates, and the webhook server
answers 200, as soon as `update_queue.put()` returns; updates still in the queue when the
process dies would be lost. Here `put()` first keeps the update in the store, and a sweeper
hands the updates a dead process kept but never started to this process's queue.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, Update

from bot.tasks import cancel

log = logging.getLogger(__name__)

Receive = Callable[[int, str], Awaitable[bool]]
Orphans = Callable[[timedelta], Awaitable[list[str]]]


class DurableQueue(asyncio.Queue[object]):
    """The application's update queue: an update is kept before it is queued, and a
    re-delivered one is dropped."""

    def __init__(self, receive: Receive) -> None:
        super().__init__()
        self._receive = receive

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self._receive(
            item.update_id, json.dumps(item.to_dict(), ensure_ascii=False)
        ):
            return  # Telegram delivered it again: it has been taken in already
        await super().put(item)

    async def put_kept(self, item: Update) -> None:
        """Queue an update that is in the store already (an orphan claimed back)."""
        await super().put(item)


class OrphanSweeper:
    """Every `every` seconds, claims the updates kept more than `older_than` ago and never
    started (their process died) and queues them here."""

    def __init__(
        self, queue: DurableQueue, orphans: Orphans, *, every: float, older_than: timedelta
    ) -> None:
        self._queue = queue
        self._orphans = orphans
        self.every = every
        self.older_than = older_than
        self._task: asyncio.Task[None] | None = None

    def start(self, bot: Bot) -> None:
        self._task = asyncio.create_task(self._run(bot), name="orphan-updates")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def sweep(self, bot: Bot) -> int:
        """Claim and queue the orphans once; returns how many."""
        payloads = await self._orphans(self.older_than)
        for payload in payloads:
            update = Update.de_json(json.loads(payload), bot)
            if update is not None:
                await self._queue.put_kept(update)
        if payloads:
            log.warning(
                "%d update(s) left unhandled by a stopped process: handling them", len(payloads)
            )
        return len(payloads)

    async def _run(self, bot: Bot) -> None:
        while True:
            try:
                await self.sweep(bot)
            except Exception as exc:  # the database is away: try again at the next round
                log.warning("could not look for orphaned updates: %s", exc)
            await asyncio.sleep(self.every)
