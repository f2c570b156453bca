"""Fixtures: isolated settings on a copy of a seeded database, a fixed clock, the fake Bot API,
and an Application built by `build_application` on top of them."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.clock import Clock, fixed_clock
from bot.creators.fetcher import PageFetcher
from bot.services import Services, services_from
from bot.settings import Settings, load_settings
from bot.store.schema import migrate
from bot.telegram.local_api import ApiCall, FakeBotAPI
from content.answers import Answerer
from content.db import create_db_engine
from content.seed import seed
from tests.helpers.databases import PostgresDatabases, postgres_server_url
from tests.helpers.fake_time import FakeTime
from tests.helpers.pages import OfflineFetcher
from tests.helpers.updates import make_message

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 9, 10, 10, 0, tzinfo=TZ)
TEST_TOKEN = "123456789:TEST-token-that-must-never-be-logged"
DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No KEPUBOT_* variables or .env file from the developer's shell leak into a test."""
    for name in list(os.environ):
        if name.startswith("KEPUBOT_") or name == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def jieba_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jieba-cache")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded database, made once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "kepubot.db"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate(engine)
    seed(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases | None]:
    """The PostgreSQL server of KEPUBOT_TEST_DATABASE_URL, or None: the suite runs on SQLite."""
    server = postgres_server_url()
    if server is None:
        yield None
        return
    databases = PostgresDatabases(server)
    yield databases
    databases.drop_leftovers()


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresDatabases | None) -> str | None:
    """On PostgreSQL: the name of a migrated and seeded database that tests copy."""
    if postgres is None:
        return None
    name = postgres.create()
    engine = create_db_engine(postgres.url(name))
    migrate(engine)
    seed(engine)
    engine.dispose()  # CREATE DATABASE … TEMPLATE needs it without connections
    return name


@pytest.fixture
def db_url(
    template_db: Path,
    tmp_path: Path,
    postgres: PostgresDatabases | None,
    postgres_template: str | None,
) -> Iterator[str]:
    """This test's own migrated and seeded database."""
    if postgres is None or postgres_template is None:
        path = tmp_path / "kepubot.db"
        shutil.copyfile(template_db, path)
        yield f"sqlite:///{path}"
        return
    name = postgres.create(template=postgres_template)
    yield postgres.url(name)
    postgres.drop(name)


@pytest.fixture
def empty_db_url(tmp_path: Path, postgres: PostgresDatabases | None) -> Iterator[str]:
    """This test's own empty database (no schema yet)."""
    if postgres is None:
        yield f"sqlite:///{tmp_path / 'empty' / 'kepubot.db'}"
        return
    name = postgres.create()
    yield postgres.url(name)
    postgres.drop(name)


@pytest.fixture
def settings(db_url: str, jieba_cache: Path) -> Settings:
    # Flood control off: tests send many messages from one user at one fixed instant.
    # tests/handlers/test_flood.py turns it on with the default limits.
    return load_settings(
        database_url=db_url,
        telegram_token=TEST_TOKEN,
        jieba_cache_dir=jieba_cache,
        flood_messages=0,
    )


@pytest.fixture
def cli_env(db_url: str, jieba_cache: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The test database and cache as environment variables, for CLI commands."""
    env = {"KEPUBOT_DATABASE_URL": db_url, "KEPUBOT_JIEBA_CACHE_DIR": str(jieba_cache)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def clock() -> Clock:
    return fixed_clock(NOW)


@pytest.fixture(scope="session")
def answerer(template_db: Path, jieba_cache: Path) -> Iterator[Answerer]:
    """One warmed-up answerer over the seeded content, shared so jieba loads once."""
    engine = create_db_engine(f"sqlite:///{template_db}")
    shared = Answerer(engine, tz=TZ, cache_dir=jieba_cache)
    shared.warm_up()
    yield shared
    engine.dispose()


@pytest.fixture
def fake_time() -> FakeTime:
    """Paces the outbox dispatcher: its waits advance this clock instead of sleeping."""
    return FakeTime(NOW)


@pytest.fixture
def bot_api(clock: Clock) -> Iterator[FakeBotAPI]:
    api = FakeBotAPI(clock=clock)
    yield api
    api.check()  # any call to a method the fake does not know fails the test


@pytest.fixture
def page_fetcher() -> PageFetcher:
    """The application's video-page fetcher: offline, unless a test module overrides it."""
    return OfflineFetcher()


@contextlib.asynccontextmanager
async def _running(
    settings: Settings,
    bot_api: FakeBotAPI,
    clock: Clock,
    answerer: Answerer,
    page_fetcher: PageFetcher,
    fake_time: FakeTime,
) -> AsyncIterator[Application]:
    """A real Application, built with the test settings and initialized against the fake
    Bot API; its engine is disposed of afterwards."""
    application = build_application(
        settings,
        request=bot_api.request(),
        get_updates_request=bot_api.request(),
        clock=clock,
        answerer=answerer,
        fetcher=page_fetcher,
        monotonic=fake_time.monotonic,
        sleep=fake_time.sleep,
    )
    async with application:
        yield application
    services_from(application.bot_data).engine.dispose()


@pytest.fixture
async def app(
    settings: Settings,
    bot_api: FakeBotAPI,
    clock: Clock,
    answerer: Answerer,
    page_fetcher: PageFetcher,
    fake_time: FakeTime,
) -> AsyncIterator[Application]:
    """The real Application, initialized against the fake Bot API."""
    async with _running(
        settings, bot_api, clock, answerer, page_fetcher, fake_time
    ) as application:
        yield application


@pytest.fixture
async def other_app(
    app: Application,
    settings: Settings,
    bot_api: FakeBotAPI,
    clock: Clock,
    answerer: Answerer,
    page_fetcher: PageFetcher,
    fake_time: FakeTime,
) -> AsyncIterator[Application]:
    """A second Application on the same store and fake Bot API: another process of the bot
    behind the load balancer (nothing in memory is shared with `app`)."""
    async with _running(
        settings, bot_api, clock, answerer, page_fetcher, fake_time
    ) as application:
        yield application


@pytest.fixture
def services(app: Application) -> Services:
    return services_from(app.bot_data)


Send = Callable[..., Awaitable[list[ApiCall]]]


@pytest.fixture
def send(app: Application, bot_api: FakeBotAPI) -> Send:
    """Send a text message to the bot; returns the sendMessage calls it made in reply."""

    async def _send(text: str, **options: Any) -> list[ApiCall]:
        before = len(bot_api.calls)
        await app.process_update(make_message(text, bot=app.bot, when=NOW, **options))
        return [call for call in bot_api.calls[before:] if call.method == "sendMessage"]

    return _send


@pytest.fixture
def cjk_font() -> Path:
    """The system's CJK font for the charts. `.ci/run` installs one (fonts-wqy-microhei): in
    CI its absence fails the test; elsewhere the test is skipped, saying why."""
    from bot.organizers.charts import chart_font

    font = chart_font()
    if font is None:
        message = "no CJK font installed (apt-get install fonts-wqy-microhei)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return font
