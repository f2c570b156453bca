"""Concurrent update processing that keeps each user's updates in order.

python-telegram-bot handles updates one at a time by default, so one user's slow request
(a video page fetched, a file imported) holds up everybody, and the waits of one update
(its database writes, its sendMessage) are not used for another. This processor runs updates
of different users at the same time, while the updates of one user (or, without a user, of
one chat) still run one after the other, in the order they arrived: a conversation never sees
its second message before its first, and a flood of one user occupies one lane only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

QUEUED = 4096
"""Updates taken in at once (waiting for their user's turn or for a free lane)."""


class PerUserOrder(BaseUpdateProcessor):
    """At most `lanes` updates run at a time; one user's updates run one after another."""

    def __init__(self, lanes: int) -> None:
        super().__init__(max(QUEUED, lanes))
        self.lanes = lanes
        self._running = asyncio.Semaphore(lanes)
        self._queues: dict[Hashable, _Turns] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        turns = self._queues.get(key)
        if turns is None:
            turns = self._queues[key] = _Turns()
        turns.waiting += 1
        try:
            async with turns.lock, self._running:
                await coroutine
        finally:
            turns.waiting -= 1
            if not turns.waiting:
                del self._queues[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the application waits for updates in progress itself."""


class _Turns:
    """One user's lock and how many of their updates hold or wait for it."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


def order_key(update: object) -> Hashable | None:
    """Whose updates must stay in order: the user's, else the chat's (None: nobody's)."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return None
