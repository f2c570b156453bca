"""Which process of a deployment sends: the holder of the database lease runs the outbox
dispatcher (and the scheduled jobs, which check the lease themselves).

Every process renews or tries to take the lease every `lease / 4` seconds. The holder starts
its dispatcher when it takes the lease and stops it when it loses the lease; a follower takes
over once a dead holder's lease has expired, so within `lease + lease / 4` seconds (25 s with
the default 20 s lease). Outbox rows are claimed one by one (`SKIP LOCKED` on PostgreSQL) and
rows a dead holder left in flight are counted ambiguous, never sent again, so a handover
sends nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.outreach.dispatcher import Sleep
from bot.runtime.lease import Lease
from bot.runtime.tasks import cancel

log = logging.getLogger(__name__)


class Leadership:
    """Keeps the lease and starts or stops the work only its holder may do."""

    def __init__(
        self,
        lease: Lease,
        *,
        on_lead: Callable[[], None],
        on_follow: Callable[[], Awaitable[None]],
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.lease = lease
        self.renew_every = lease.duration.total_seconds() / 4
        self._on_lead = on_lead
        self._on_follow = on_follow
        self._sleep = sleep
        self.leading = False
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> bool:
        """Renew or try the lease once; start or stop the holder's work on a change."""
        try:
            held = await asyncio.to_thread(self.lease.hold)
        except Exception as exc:  # the database is away: keep going, but stop sending
            log.warning("could not renew the scheduler lease: %s", exc)
            held = False
        try:
            if held and not self.leading:
                self.leading = True
                self._on_lead()
            elif not held and self.leading:
                self.leading = False
                await self._on_follow()
        except Exception:  # never let the renewals stop
            log.exception("could not start or stop the lease holder's work")
        return held

    async def start(self) -> None:
        """The first tick now (so a lone process sends at once), then one every
        `renew_every` seconds in the background until `stop()`."""
        await self.tick()
        self._task = asyncio.create_task(self._run(), name="scheduler-lease")

    async def _run(self) -> None:
        while True:
            await self._sleep(self.renew_every)
            await self.tick()

    async def stop(self) -> None:
        """Stop renewing and stop the holder's work (the lease is released at shutdown)."""
        await cancel(self._task)
        self._task = None
        if self.leading:
            self.leading = False
            await self._on_follow()
