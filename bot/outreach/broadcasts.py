"""Composing a broadcast: send times typed by organizers, the progress bar, and queueing a
confirmed one (`Broadcasts`)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from bot.outreach.outbox import BroadcastInfo, Figures, Outbox, Part
from bot.outreach.subscriptions import Subscriptions

BAR_WIDTH = 10
_WHEN = re.compile(
    r"^(?:(?:(?P<year>\d{4})[-/.年])?(?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?\s*)?"
    r"(?P<hour>\d{1,2})[:：点](?P<minute>\d{2})?分?$"
)
EXAMPLE_HOUR = 9


def time_example(now: datetime) -> str:
    """An example send time for the prompt: tomorrow morning, in `now`'s time zone."""
    tomorrow = (now + timedelta(days=1)).date()
    return f"{tomorrow:%Y-%m-%d} {EXAMPLE_HOUR:02d}:00"


def parse_send_time(text: str, now: datetime) -> datetime | None:
    """A future moment from `2024-09-15 09:00`, `9-15 9:00`, `9月15日 9:00` or `18:30`.

    Read in `now`'s time zone; a bare time that has passed today means tomorrow. None if
    the text is not a time or the moment is not in the future.
    """
    match = _WHEN.match(" ".join(text.split()))
    if not match:
        return None
    try:
        clock = time(int(match["hour"]), int(match["minute"] or 0))
        if match["month"]:
            day = date(int(match["year"] or now.year), int(match["month"]), int(match["day"]))
        else:
            day = now.date()
    except ValueError:
        return None
    moment = datetime.combine(day, clock, now.tzinfo)
    if not match["month"] and moment <= now:
        moment += timedelta(days=1)
    return moment if moment > now else None


def progress_bar(figures: Figures, width: int = BAR_WIDTH) -> tuple[str, str]:
    """A text bar of the settled share of a broadcast, and that share as a percentage."""
    share = figures.finished / figures.total if figures.total else 1.0
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled), f"{share:.0%}"


class Broadcasts:
    """Organizers' broadcasts: who an audience reaches, and queueing one (which wakes the
    dispatcher of this process, if it is the one sending; the others find it on their poll)."""

    def __init__(
        self, outbox: Outbox, subscriptions: Subscriptions, wake: Callable[[], None]
    ) -> None:
        self._outbox = outbox
        self._subscriptions = subscriptions
        self._wake = wake

    def recipients(self, audience: str) -> list[int]:
        """The chats `audience` reaches now (blocking)."""
        return self._subscriptions.audience(audience)

    async def queue(
        self,
        key: str,
        parts: list[Part],
        audience: str,
        *,
        by: int,
        send_at: datetime | None,
    ) -> BroadcastInfo | None:
        """Queue a confirmed draft for its audience, once per draft `key` however often it is
        confirmed; returns the broadcast (None if it reaches nobody)."""

        def enqueue() -> BroadcastInfo | None:
            queued = self._outbox.enqueue(
                "broadcast",
                self.recipients(audience),
                {"parts": parts},
                dedupe_key=f"broadcast:{key}",
                audience=audience,
                created_by=by,
                send_at=send_at,
            )
            return self._outbox.broadcast(queued.broadcast_id)

        info = await asyncio.to_thread(enqueue)
        self._wake()  # on the event loop: the dispatcher's wake-up is an asyncio.Event
        return info

    def show_progress_in(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """The message the dispatcher edits with the broadcast's progress (blocking)."""
        self._outbox.set_status_message(broadcast_id, chat_id, message_id)
