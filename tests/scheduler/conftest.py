"""A movable fake clock and a bot built on it, with the sample events loaded, for driving the
scheduled jobs day by day without sleeping."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.organizers.imports import import_path
from bot.services import Services, services_from
from bot.settings import Settings, load_settings
from bot.telegram.local_api import FakeBotAPI
from content.answers import Answerer
from scheduler.jobs import run_if_leader
from tests.conftest import TEST_TOKEN, TZ

SAMPLE_EVENTS = Path(__file__).parent.parent / "content" / "data" / "sample-events.yaml"


class FakeClock:
    """The time the bot sees: set or moved by the test; sleeping moves it too."""

    def __init__(self, start: datetime) -> None:
        self.moment = start
        self.elapsed = 0.0

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        """Move to `moment` (a few seconds of pacing past it are kept: time never goes back)."""
        assert moment > self.moment - timedelta(minutes=1), "time does not go backwards"
        self.moment = max(self.moment, moment)

    def monotonic(self) -> float:
        return self.elapsed

    async def sleep(self, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        self.elapsed += seconds
        self.moment += timedelta(seconds=seconds)
        await asyncio.sleep(0)


def at(day: date | str, hh_mm: str = "09:00") -> datetime:
    """A local moment of the campaign time zone."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    hour, minute = map(int, hh_mm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(at("2024-09-10", "08:00"))


@pytest.fixture
def make_settings(db_url: str, jieba_cache: Path) -> Callable[..., Settings]:
    def _make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": db_url,
            "telegram_token": TEST_TOKEN,
            "jieba_cache_dir": jieba_cache,
        }
        return load_settings(**(values | overrides))

    return _make


class Bot:
    """One running instance of the bot (its application, services and API fake)."""

    def __init__(self, application: Application, api: FakeBotAPI, clock: FakeClock) -> None:
        self.application = application
        self.api = api
        self.clock = clock

    @property
    def services(self) -> Services:
        return services_from(self.application.bot_data)

    async def tick(self, moment: datetime | None = None) -> int:
        """Move the clock to `moment`, run every scheduled job once, send what they queued."""
        if moment is not None:
            self.clock.set(moment)
        queued = 0
        for work in (
            lambda s: s.reminders.queue_due_digests,
            lambda s: s.reminders.queue_due_prompts,
            lambda s: s.reminders.queue_due_reminders,
        ):
            queued += await run_if_leader(self.services, work)
        await self.services.dispatcher.run_until_idle()
        return queued

    def subscribe(
        self,
        user_id: int,
        *,
        district: str | None = None,
        topics: tuple[str, ...] = ("public",),
        digest_time: str | None = None,
    ) -> None:
        subscriptions = self.services.subscriptions
        subscriptions.subscribe(user_id)
        if district is not None:
            subscriptions.set_district(user_id, district)
        current = set(subscriptions.get(user_id).topics)  # type: ignore[union-attr]
        for topic in ("public", "creators", "organizers"):
            if (topic in current) != (topic in topics):
                subscriptions.toggle_topic(user_id, topic)
        if digest_time is not None:
            subscriptions.set_digest_time(user_id, digest_time)


def received(api: FakeBotAPI, chat_id: int, contains: str = "") -> list[dict[str, Any]]:
    """The messages `chat_id` got (params plus the fake's result), optionally filtered."""
    return [
        call.params | {"date": call.result["date"]}
        for call in api.sent_messages
        if int(call.params["chat_id"]) == chat_id and contains in call.params["text"]
    ]


def sent_minute(message: dict[str, Any]) -> datetime:
    """The local minute a message went out (pacing may add a second or two)."""
    return datetime.fromtimestamp(message["date"], TZ).replace(second=0)


def per_day(api: FakeBotAPI, chat_id: int, contains: str = "") -> Counter[date]:
    """How many messages `chat_id` got on each local day."""
    return Counter(
        datetime.fromtimestamp(message["date"], TZ).date()
        for message in received(api, chat_id, contains)
    )


MakeBot = Callable[..., Awaitable[Bot]]


@pytest.fixture
async def make_bot(
    make_settings: Callable[..., Settings], fake_clock: FakeClock, answerer: Answerer
) -> AsyncIterator[MakeBot]:
    """Build (and initialize) bot instances on the test database; all closed at the end."""
    opened: list[Application] = []

    async def _make(
        *, api: FakeBotAPI | None = None, clock: FakeClock | None = None, **overrides: Any
    ) -> Bot:
        clock = clock or fake_clock
        api = api or FakeBotAPI(clock=clock.now)
        application = build_application(
            make_settings(**overrides),
            request=api.request(),
            get_updates_request=api.request(),
            clock=clock.now,
            answerer=answerer,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
        )
        await application.initialize()
        opened.append(application)
        return Bot(application, api, clock)

    yield _make
    for application in opened:
        await application.shutdown()
        # post_shutdown runs only under run_polling: release and close here.
        services = services_from(application.bot_data)
        services.lease.release()
        services.engine.dispose()


@pytest.fixture
async def bot(make_bot: MakeBot) -> Bot:
    """One instance, with the sample events imported."""
    instance = await make_bot()
    import_path(instance.services.engine, SAMPLE_EVENTS, TZ)
    return instance
