"""Drain an outbox through a Bot API server, as the bot's dispatcher does (kill test).

python -m tests.helpers.dispatch_worker DATABASE_URL BASE_URL RATE
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from telegram import Bot

from bot.outreach.dispatcher import Dispatcher
from bot.outreach.outbox import Outbox
from bot.settings import Settings
from bot.telegram.delivery import TelegramSender, bot_api_request
from content.db import create_db_engine

TOKEN = "123456789:TEST-token-for-the-fake-server"


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def drain(database_url: str, base_url: str, rate: float) -> Dispatcher:
    """Recover after a crash, then send everything the outbox holds."""
    engine = create_db_engine(database_url)
    request = bot_api_request(Settings.model_fields["telegram_connections"].default)  # the bot's
    try:
        async with Bot(TOKEN, base_url=base_url, request=request) as bot:
            outbox = Outbox(engine, _utc_now)
            dispatcher = Dispatcher(
                outbox, TelegramSender(bot), rate=rate, backoff=lambda n: 0.2, max_in_flight=8
            )
            await asyncio.to_thread(outbox.recover)
            await dispatcher.run_until_idle()
            return dispatcher
    finally:
        engine.dispose()


if __name__ == "__main__":
    url, base, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
    asyncio.run(drain(url, base, rate))
