"""Today's events on the web chat, from events an organizer imported."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest

from bot.app import build_services
from bot.clock import fixed_clock
from bot.organizers.imports import import_path
from bot.public import PublicServer
from bot.services import Services
from bot.settings import Settings
from content.db import create_db_engine
from tests.conftest import DATA_DIR, TZ
from tests.helpers.pages import OfflineFetcher

EVENTS = DATA_DIR / "qa-dev-events.yaml"
DAY = datetime(2024, 9, 17, 10, 0, tzinfo=TZ)


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    engine = create_db_engine(settings.database_url)
    import_path(engine, EVENTS, TZ)
    engine.dispose()
    services = build_services(settings, clock=fixed_clock(DAY), fetcher=OfflineFetcher())
    yield services
    services.writer.close()
    services.engine.dispose()


async def test_todays_events_are_cards_of_the_imported_events(services: Services) -> None:
    server = PublicServer(services, "127.0.0.1", 0)
    server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            data = (await client.get("/api/events")).json()
    finally:
        await server.stop()
    events = services.answerer.events_on(DAY.date())
    assert len(events) >= 2  # a morning event and a multi-day exhibition, at least
    assert data["date"] == "2024-09-17" and data["empty"] is None
    assert [card["title"] for card in data["events"]] == [event.title for event in events]
    by_title = {card["title"]: card for card in data["events"]}
    for event in events:
        card = by_title[event.title]
        local = event.start.astimezone(TZ)
        if event.end and event.end.astimezone(TZ).date() > local.date():
            assert "—" in card["time"]  # a span of days
        elif not event.all_day:
            assert card["time"] == local.strftime("%H:%M")
        place = " ".join(part for part in (event.district, event.venue) if part)
        assert card["place"] == (place or None)
