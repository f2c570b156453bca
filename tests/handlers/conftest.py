"""The public server (web chat, /wechat) on 127.0.0.1, on the services of the test's real
Application, so that a web submission can be reviewed through Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram.ext import Application

from bot.public import PublicServer
from bot.services import Services, services_from

SESSION = "test-session-0123456789abcdef"


@pytest.fixture
async def server(app: Application) -> AsyncIterator[PublicServer]:
    server = PublicServer(services_from(app.bot_data), "127.0.0.1", 0)
    server.start()
    yield server
    await server.stop()


@pytest.fixture
def base_url(server: PublicServer) -> str:
    return f"http://127.0.0.1:{server.port}"


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        yield client


@pytest.fixture
def web_services(app: Application) -> Services:
    return services_from(app.bot_data)
