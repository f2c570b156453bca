"""Every update records its sender; organizer-only handlers refuse everyone else."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import Update
from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from handlers.telegram.guards import organizer_only
from tests.conftest import NOW, Send
from tests.helpers.updates import USER_ID, make_message


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


async def test_a_redelivered_update_has_one_effect(app: Application, bot_api: FakeBotAPI) -> None:
    """Telegram retries an update it got no 200 for: the second copy is dropped."""
    update = make_message(
        "/submit https://www.bilibili.com/video/BV1xx411c7mD", bot=app.bot, when=NOW
    )
    again = Update.de_json(update.to_dict(), app.bot)
    await app.process_update(update)
    replies = len(bot_api.sent_messages)
    await app.process_update(again)
    await app.process_update(make_message("你好", bot=app.bot, when=NOW))
    assert replies >= 1
    assert len(bot_api.sent_messages) == replies + 1  # the copy: nothing; the new one: a reply


async def test_one_update_delivered_to_two_processes_at_once_runs_once(
    app: Application, bot_api: FakeBotAPI
) -> None:
    update = make_message("科普日什么时候开始", bot=app.bot, when=NOW)
    copies = [Update.de_json(update.to_dict(), app.bot) for _ in range(5)]
    await asyncio.gather(*(app.process_update(copy) for copy in copies))
    assert len(bot_api.sent_messages) == 1
