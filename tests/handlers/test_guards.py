"""Every update records its sender; organizer-only handlers refuse everyone else."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import Application

from bot import messages
from bot.services import Services
from handlers.guards import organizer_only
from tests.conftest import Send
from tests.helpers.updates import USER_ID


async def test_a_message_records_its_sender(send: Send, services: Services) -> None:
    await send("你好")
    user = services.people.known_user(USER_ID)
    assert user is not None and not user.blocked


async def test_organizer_only_refuses_and_logs(
    app: Application, send: Send, caplog: pytest.LogCaptureFixture
) -> None:
    from telegram.ext import CommandHandler

    ran: list[int] = []

    @organizer_only
    async def secret_command(update: object, context: object) -> None:
        ran.append(1)

    app.handlers[0].insert(0, CommandHandler("secret", secret_command))  # before fallbacks
    with caplog.at_level(logging.WARNING):
        [reply] = await send("/secret")
    assert ran == []
    assert reply.params["text"] == messages.ORGANIZERS_ONLY
    assert any(str(USER_ID) in r.getMessage() for r in caplog.records)


async def test_organizer_only_lets_organizers_in(
    app: Application, send: Send, services: Services
) -> None:
    from telegram.ext import CommandHandler

    ran: list[int] = []

    @organizer_only
    async def secret_command(update: object, context: object) -> None:
        ran.append(1)

    app.handlers[0].insert(0, CommandHandler("secret", secret_command))  # before fallbacks
    services.people.grant(USER_ID, by=1)
    await send("/secret")
    assert ran == [1]
