"""python-telegram-bot's update queue made durable (see `bot.intake.ledger`).

The Updater acknowledges updates to Telegram with its next getUpdates, and the webhook server
answers 200, as soon as `update_queue.put()` returns; updates still in the queue when the
process dies would be lost. Here an update is kept in the store before it is acknowledged, and
a sweeper hands the updates a dead process kept but never started to this process's queue.

An update is queued at once, while it is being kept: its handling begins by marking it
started in the same ledger (`guards.admit`), and that mark, not the keeping, is what lets a
re-delivered copy have no second effect. Both writes usually share one transaction of the
group commit.

* Webhook: `put()` returns (and the server answers 200) once the update is kept.
* Long polling: the Updater puts a whole getUpdates batch one update after another, and
  waiting for each write in turn would make the batch as slow as its writes. So `put()`
  returns at once, and `AckAfterKept` (the getUpdates request) waits until the batch is kept
  before the next getUpdates acknowledges it: one transaction a batch.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest

from bot.runtime.tasks import cancel

log = logging.getLogger(__name__)

Receive = Callable[[int, str], Awaitable[bool]]
Orphans = Callable[[timedelta], Awaitable[list[str]]]


class DurableQueue(asyncio.Queue[object]):
    """The application's update queue: every update is kept in the store before `put()`
    returns, or with `deferred` (long polling) before `settle()` does."""

    def __init__(self, receive: Receive, *, deferred: bool = False) -> None:
        super().__init__()
        self._receive = receive
        self.deferred = deferred
        self._keeping: set[asyncio.Future[bool]] = set()

    async def put(self, item: object, payload: str | None = None) -> None:
        """Queue an update and keep it; `payload` is its JSON as received, where there is one
        (the webhook's body), else it is written out again from the update."""
        if not isinstance(item, Update):
            await super().put(item)
            return
        if payload is None:
            payload = json.dumps(item.to_dict(), ensure_ascii=False)
        keeping: asyncio.Future[bool] = asyncio.ensure_future(
            self._receive(item.update_id, payload)
        )
        self._keeping.add(keeping)
        keeping.add_done_callback(functools.partial(self._kept, item.update_id))
        self.put_nowait(item)  # the queue is unbounded
        if not self.deferred:
            await asyncio.wait([keeping])

    async def settle(self) -> None:
        """Wait until every update put so far is kept (or could not be)."""
        if self._keeping:
            await asyncio.wait(list(self._keeping))

    async def put_kept(self, item: Update) -> None:
        """Queue an update that is in the store already (an orphan claimed back)."""
        await super().put(item)

    def _kept(self, update_id: int, keeping: asyncio.Task[bool]) -> None:
        self._keeping.discard(keeping)
        error = None if keeping.cancelled() else keeping.exception()
        if error is not None:  # it is handled all the same (unless the process dies)
            log.error("update %s could not be kept", update_id, exc_info=error)


class AckAfterKept(BaseRequest):
    """The getUpdates request of long polling: before asking for more updates (which
    acknowledges the last batch to Telegram), it waits until the last batch is kept."""

    def __init__(self, request: BaseRequest, queue: DurableQueue) -> None:
        self._request = request
        self._queue = queue

    @property
    def read_timeout(self) -> float | None:
        return self._request.read_timeout

    async def initialize(self) -> None:
        await self._request.initialize()

    async def shutdown(self) -> None:
        await self._request.shutdown()

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await self._queue.settle()
        return await self._request.do_request(*args, **kwargs)


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
