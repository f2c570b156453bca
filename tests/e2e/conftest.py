"""Fixtures of the end-to-end tests: the fake Bot API, served over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.telegram.local_api import FakeBotAPI
from bot.telegram.local_server import BotAPIServer


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[FakeBotAPI]:
    """The fake, for the token the test module names as TOKEN."""
    fake = FakeBotAPI(token=request.module.TOKEN)
    yield fake
    fake.check()  # any call to a method the fake does not know fails the test


@pytest.fixture
def bot_api_url(api: FakeBotAPI) -> Iterator[str]:
    """`api` on 127.0.0.1: the KEPUBOT_TELEGRAM_BASE_URL of the bot's processes."""
    with BotAPIServer(api) as server:
        yield server.base_url
