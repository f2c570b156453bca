"""The clock: one callable returning an aware `datetime`, injected wherever time matters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

Clock = Callable[[], datetime]
"""Returns the current moment as an aware datetime."""


def system_clock(tz: tzinfo) -> Clock:
    """The real time, in the campaign time zone."""

    def now() -> datetime:
        return datetime.now(tz)

    return now


def fixed_clock(moment: datetime) -> Clock:
    """A clock stopped at `moment` (for tests and `kepubot ask --now`)."""
    if moment.tzinfo is None:
        raise ValueError("fixed_clock needs an aware datetime")

    def now() -> datetime:
        return moment

    return now
