"""Today's events as cards, for the channels that show them (the web chat); Telegram-free."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.outreach.digests import event_time
from content.answers import Answerer

MAX_CARDS = 20
MAX_DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class EventCard:
    """One event as plain values (the channel escapes them)."""

    title: str
    time: str
    place: str | None
    category: str | None
    audience: str | None
    description: str | None
    url: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def todays_events(answerer: Answerer, now: datetime, tz: ZoneInfo) -> list[EventCard]:
    """The events running on `now`'s local day, by start time, at most MAX_CARDS."""
    cards = []
    for event in answerer.events_on(now.astimezone(tz).date())[:MAX_CARDS]:
        place = " ".join(part for part in (event.district, event.venue) if part) or None
        description = event.description
        if description and len(description) > MAX_DESCRIPTION_CHARS:
            description = description[: MAX_DESCRIPTION_CHARS - 1] + "…"
        url = event.url if event.url and event.url.startswith(("https://", "http://")) else None
        cards.append(
            EventCard(
                title=event.title,
                time=event_time(event, tz),
                place=place,
                category=event.category,
                audience=event.audience,
                description=description,
                url=url,
            )
        )
    return cards
