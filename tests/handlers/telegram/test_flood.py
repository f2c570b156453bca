"""One user flooding the bot gets a bounded number of answers and one notice."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from bot import messages
from bot.flood import SharedFloodGate
from bot.settings import Settings
from bot.telegram.local_api import FakeBotAPI
from tests.conftest import NOW
from tests.helpers.updates import make_message


async def test_a_flood_is_cut_and_others_are_still_answered(
    app: Application, bot_api: FakeBotAPI
) -> None:
    times = iter(NOW + timedelta(seconds=i * 0.1) for i in range(1000))
    services = app.bot_data["services"]
    defaults = Settings()
    window = timedelta(seconds=defaults.flood_seconds)
    services.shared_flood = SharedFloodGate(services.writer, defaults.flood_messages, window)
    services.clock = lambda: next(times)  # 100 messages in 10 s
    for _ in range(100):
        await app.process_update(make_message("主题是什么", bot=app.bot, when=NOW, user_id=501))
    await app.process_update(make_message("主题是什么", bot=app.bot, when=NOW, user_id=502))
    sent = [c for c in bot_api.calls if c.method == "sendMessage"]
    to_flooder = [c.params["text"] for c in sent if c.params["chat_id"] == 501]
    assert to_flooder.count(messages.FLOOD_NOTICE) == 1
    assert len(to_flooder) == 20 + 1  # the default limit, then the one notice
    assert any(c.params["chat_id"] == 502 for c in sent)


async def test_a_flood_spread_over_two_processes_is_cut_at_one_limit(
    app: Application, other_app: Application, bot_api: FakeBotAPI
) -> None:
    defaults = Settings()
    window = timedelta(seconds=defaults.flood_seconds)
    for application in (app, other_app):
        services = application.bot_data["services"]
        services.shared_flood = SharedFloodGate(services.writer, defaults.flood_messages, window)
    for number in range(60):  # the load balancer alternates between the processes
        application = (app, other_app)[number % 2]
        update = make_message("主题是什么", bot=application.bot, when=NOW, user_id=501)
        await application.process_update(update)
    sent = [c for c in bot_api.calls if c.method == "sendMessage"]
    to_flooder = [c.params["text"] for c in sent if c.params["chat_id"] == 501]
    assert to_flooder.count(messages.FLOOD_NOTICE) == 1
    assert len(to_flooder) == defaults.flood_messages + 1
