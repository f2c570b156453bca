"""Draining the outbox: paced sends through an injected sender, Telegram's answers honoured.

Telegram-free: the sender is any `async (chat_id, part) -> None` that raises the errors of
`bot.outreach.outbox` (the Telegram one is `bot.telegram.delivery.TelegramSender`). Time comes from an
injected monotonic clock and sleep function, so tests run without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.outreach.outbox import (
    Delivery,
    DeliveryError,
    MaybeSent,
    Migrated,
    NotSent,
    Outbox,
    Part,
    Rejected,
    RetryAfter,
    Status,
    Unreachable,
)

log = logging.getLogger(__name__)

Sender = Callable[[int, Part], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]
ProgressCallback = Callable[[Collection[int]], Awaitable[None]]

DEFAULT_RATE = 25.0
"""Messages per second over all chats (Telegram allows about 30)."""
PER_CHAT_INTERVAL = 1.0
"""Seconds between two messages to one chat (Telegram allows about 1 per second)."""
MAX_ATTEMPTS = 5
"""Tries of a message that fails before reaching Telegram, then it is failed."""
MAX_FLOOD_WAITS = 10
"""429s in a row for one message before it goes back to the queue."""
SWEEP_BATCH = 200
MAX_IN_FLIGHT = 100


@dataclass
class _InFlight:
    """Where one row's sending stands, for a shutdown that cuts it short."""

    index: int
    claimed: bool = False
    requesting: bool = False


class RateLimiter:
    """Spaces sends: `rate` per second overall, one per `per_chat` seconds per chat, and
    nothing at all while paused by a 429."""

    def __init__(
        self,
        rate: float,
        per_chat: float = PER_CHAT_INTERVAL,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.per_chat = per_chat
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._chat_next: dict[int, float] = {}
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends for `seconds`."""
        self.paused_until = max(self.paused_until, self._monotonic() + seconds)

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may go out, and reserve that moment."""
        while True:
            now = self._monotonic()
            wait = max(self._chat_next.get(chat_id, 0.0), self.paused_until) - now
            if wait > 0:
                await self._sleep(wait)
                continue
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
            self._chat_next[chat_id] = slot + self.per_chat
            if slot > now:
                await self._sleep(slot - now)
            if self._monotonic() >= self.paused_until:  # a 429 may have come meanwhile
                break
        if len(self._chat_next) > 10_000:
            self._forget_old(self._monotonic())

    def _forget_old(self, now: float) -> None:
        self._chat_next = {chat: t for chat, t in self._chat_next.items() if t > now}


class Dispatcher:
    """Sends what the outbox holds, at most `max_in_flight` requests at a time."""

    def __init__(
        self,
        outbox: Outbox,
        sender: Sender | None = None,
        *,
        rate: float = DEFAULT_RATE,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        max_attempts: int = MAX_ATTEMPTS,
        backoff: Callable[[int], float] | None = None,
        on_blocked: Callable[[int], None] | None = None,
        on_migrated: Callable[[int, int], None] | None = None,
        on_progress: ProgressCallback | None = None,
        progress_interval: float = 3.0,
        poll_interval: float = 1.0,
        stop_grace: float = 10.0,
        max_in_flight: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.outbox = outbox
        self.sender = sender
        self.limiter = RateLimiter(rate, per_chat_interval, monotonic=monotonic, sleep=sleep)
        self.max_attempts = max_attempts
        self.backoff = backoff or _exponential_backoff
        self.on_blocked = on_blocked
        self.on_migrated = on_migrated
        self.on_progress = on_progress
        self.progress_interval = progress_interval
        self.poll_interval = poll_interval
        self.stop_grace = stop_grace
        self._monotonic = monotonic
        self._sleep = sleep
        self._slots = asyncio.Semaphore(max_in_flight or max(4, min(int(rate), MAX_IN_FLIGHT)))
        self._in_hand: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._touched: set[int] = set()
        self._last_report = 0.0
        self._wake = asyncio.Event()
        self._stopping = False
        self._runner: asyncio.Task[None] | None = None
        self.flood_waits = 0
        self.sent = 0
        """Rows delivered by this dispatcher (a counter for the metrics)."""

    # --- lifecycle ---------------------------------------------------------------------------

    def connect(self, sender: Sender, on_progress: ProgressCallback | None = None) -> None:
        """Give the dispatcher its channel: the services are built before the channel is."""
        self.sender = sender
        self.on_progress = on_progress

    def start(self) -> None:
        """Recover from a crash, then drain the outbox in the background until `stop()`."""
        if self._runner is not None:
            return
        if self.sender is None:
            raise RuntimeError("the dispatcher has no sender: connect() it to a channel first")
        self._stopping = False
        self._runner = asyncio.create_task(self._run(), name="outbox-dispatcher")

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def stop(self) -> None:
        """Finish the requests in flight, then stop (pending rows wait for the next start)."""
        self._stopping = True
        self._wake.set()
        if self._runner is not None:
            await self._runner
            self._runner = None

    def wake(self) -> None:
        """Something was queued: look at the outbox now rather than at the next poll."""
        self._wake.set()

    async def _run(self) -> None:
        recovered = False
        while not self._stopping:
            try:
                if not recovered:
                    await asyncio.to_thread(self.outbox.recover)
                    recovered = True
                await self.drain(until_idle=False)
            except Exception:  # the database went away: keep going, it comes back
                log.exception("the outbox dispatcher hit an error; trying again shortly")
                await self._sleep(self.poll_interval * 5)

    async def run_until_idle(self) -> None:
        """Send everything that is due or will be (waiting with the injected sleep)."""
        await self.drain(until_idle=True)

    # --- the loop ----------------------------------------------------------------------------

    async def drain(self, *, until_idle: bool) -> None:
        """Sweep the outbox by id again and again; rest when a sweep finds nothing new."""
        cursor, found_new = 0, False
        while not self._stopping:
            rows = await asyncio.to_thread(self.outbox.due, cursor, SWEEP_BATCH)
            if rows:
                cursor = rows[-1].id
                for row in rows:
                    if row.id in self._in_hand:
                        continue
                    if not await self._hand_over(row):
                        break
                    found_new = True
                continue
            cursor = 0  # the end of a sweep
            if found_new:
                found_new = False
                continue
            if self._tasks:
                # Everything due is in hand: let it finish (new rows wake us, retries can wait).
                await asyncio.wait(set(self._tasks), timeout=self.poll_interval)
                continue
            await self._report(force=True)
            next_due = await asyncio.to_thread(self.outbox.next_due_at)
            if until_idle:
                if next_due is None:
                    return
                wait = (next_due - self.outbox.now()).total_seconds()
                await self._sleep(max(wait, 0.0))
                continue
            await self._idle_wait(next_due)
        await self._finish_in_flight()

    async def _hand_over(self, row: Delivery) -> bool:
        """Start a sender task for a row when a slot is free; False when stopping."""
        await self._slots.acquire()
        if self._stopping:
            self._slots.release()
            return False
        self._in_hand.add(row.id)
        task = asyncio.create_task(self._deliver(row))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _idle_wait(self, next_due: datetime | None) -> None:
        self._wake.clear()
        timeout = self.poll_interval
        if next_due is not None:
            until = (next_due - self.outbox.now()).total_seconds()
            timeout = min(timeout, max(until, 0.0))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _finish_in_flight(self) -> None:
        """Let requests in flight end; rows still waiting for their turn stay pending."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=self.stop_grace)
            for task in late:
                task.cancel()  # a claimed row left `sending` becomes ambiguous at next start
            await asyncio.gather(*late, return_exceptions=True)
        await self._report(force=True)

    # --- one recipient -----------------------------------------------------------------------

    async def _deliver(self, row: Delivery) -> None:
        try:
            await self._send_parts(row)
        except Exception:  # a bug or an unknown failure: do not risk a second copy
            log.exception("unexpected error delivering outbox row %s", row.id)
            await asyncio.to_thread(
                self.outbox.finish, row.id, Status.AMBIGUOUS, error="unexpected error"
            )
        finally:
            self._in_hand.discard(row.id)
            self._slots.release()
            self._touched.add(row.broadcast_id)
            await self._report()

    async def _send_parts(self, row: Delivery) -> None:
        state = _InFlight(index=row.parts_sent)
        try:
            await self._send_remaining_parts(row, state)
        except asyncio.CancelledError:
            self._hand_back(row, state)
            raise

    def _hand_back(self, row: Delivery, state: _InFlight) -> None:
        """A send cut short at shutdown: no row may stay `sending` (blocking, but brief)."""
        if not state.claimed:
            return
        if state.requesting:  # the request left: it may have been delivered
            self.outbox.finish(row.id, Status.AMBIGUOUS, error="cut short at shutdown")
        else:  # between two parts: the next start sends the rest
            self.outbox.finish(row.id, Status.PENDING, parts_sent=state.index)

    async def _request(self, state: _InFlight, chat_id: int, part: Part) -> None:
        """One request; while it is out, a shutdown that cuts it short leaves it ambiguous."""
        state.requesting = True
        try:
            assert self.sender is not None  # start() checks it
            await self.sender(chat_id, part)
        except DeliveryError:
            state.requesting = False  # Telegram answered, or the request never left
            raise
        state.requesting = False

    async def _send_remaining_parts(self, row: Delivery, state: _InFlight) -> None:
        chat_id, floods = row.chat_id, 0
        finish = self.outbox.finish
        while state.index < len(row.parts):
            index = state.index
            await self.limiter.acquire(chat_id)
            if not state.claimed:
                if self._stopping:
                    return
                if not await asyncio.to_thread(self.outbox.claim, row.id, row.broadcast_id):
                    return  # cancelled, or taken by someone else
                state.claimed = True
            try:
                await self._request(state, chat_id, row.parts[index])
            except RetryAfter as exc:
                self.flood_waits += 1
                floods += 1
                self.limiter.pause(exc.seconds)
                log.warning("429 from Telegram: all sending paused for %s s", exc.seconds)
                if floods >= MAX_FLOOD_WAITS:
                    await asyncio.to_thread(
                        finish, row.id, Status.PENDING, error=str(exc), parts_sent=index
                    )
                    return
                continue
            except Migrated as exc:
                if not await asyncio.to_thread(self.outbox.retarget, row.id, exc.new_chat_id):
                    await asyncio.to_thread(
                        finish, row.id, Status.FAILED, error=f"{exc}, which has it already"
                    )
                    return
                if self.on_migrated is not None:
                    await asyncio.to_thread(self.on_migrated, chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
                continue
            except Unreachable as exc:
                await asyncio.to_thread(finish, row.id, Status.BLOCKED, error=str(exc))
                if self.on_blocked is not None:
                    await asyncio.to_thread(self.on_blocked, chat_id)
                return
            except Rejected as exc:
                await asyncio.to_thread(finish, row.id, Status.FAILED, error=str(exc))
                return
            except NotSent as exc:
                attempts = row.attempts + 1
                if attempts >= self.max_attempts:
                    error = f"{exc} (gave up after {attempts} attempts)"
                    await asyncio.to_thread(finish, row.id, Status.FAILED, error=error)
                    return
                retry_at = self.outbox.now() + timedelta(seconds=self.backoff(attempts))
                await asyncio.to_thread(
                    finish,
                    row.id,
                    Status.PENDING,
                    error=str(exc),
                    parts_sent=index,
                    not_before=retry_at,
                )
                return
            except MaybeSent as exc:
                await asyncio.to_thread(finish, row.id, Status.AMBIGUOUS, error=str(exc))
                return
            state.index = index = index + 1
            if index < len(row.parts):
                await asyncio.to_thread(self.outbox.record_part, row.id, index)
        if state.claimed:
            await asyncio.to_thread(finish, row.id, Status.SENT, parts_sent=state.index)
            self.sent += 1

    # --- progress ----------------------------------------------------------------------------

    async def _report(self, *, force: bool = False) -> None:
        now = self._monotonic()
        if not force and now - self._last_report < self.progress_interval:
            return
        self._last_report = now
        finished = await asyncio.to_thread(self.outbox.complete_finished)
        touched = self._touched | set(finished)
        self._touched = set()
        if touched and self.on_progress is not None:
            try:
                await self.on_progress(sorted(touched))
            except Exception:
                log.exception("could not report broadcast progress")


def _exponential_backoff(attempt: int) -> float:
    """2, 4, 8, 16 … seconds, at most five minutes."""
    return float(min(2**attempt, 300))
