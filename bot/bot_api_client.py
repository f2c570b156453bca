"""The HTTP client of the Bot API: python-telegram-bot's httpx request, with requests taking
turns for its connections.

httpcore's connection pool re-examines every waiting request and every connection each time a
request starts or ends. With hundreds of updates answered at once, most of their sendMessage
requests wait, and that bookkeeping cost more CPU than the requests themselves. Here they wait
in a first-come-first-served semaphore instead, and the pool only ever sees as many requests
as it has connections.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.error import TimedOut
from telegram.request import HTTPXRequest

TURN_SECONDS = 10.0
"""How long a request waits for a free connection before it fails as timed out."""


class TakingTurns(HTTPXRequest):
    """`HTTPXRequest` with `connections` connections, used by one request at a time each."""

    def __init__(self, connections: int, *, turn_seconds: float = TURN_SECONDS) -> None:
        super().__init__(connection_pool_size=connections, pool_timeout=turn_seconds)
        self._turns = asyncio.Semaphore(connections)
        self._turn_seconds = turn_seconds

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            async with asyncio.timeout(self._turn_seconds):
                await self._turns.acquire()
        except TimeoutError as exc:
            raise TimedOut("no free connection to the Bot API in time") from exc
        try:
            return await super().do_request(*args, **kwargs)
        finally:
            self._turns.release()
