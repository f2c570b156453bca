"""Composing a broadcast: send times typed by organizers, and the progress bar."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.outreach.outbox import Figures

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
