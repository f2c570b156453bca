"""Outbox benchmark: enqueueing 100,000 recipients, and the send rate against a fake Bot API.

    .venv/bin/python bench/broadcast.py [--recipients 100000] [--seconds 20] [--rate 25]

Prints the time to write the outbox rows, the rate achieved against a local server that
enforces Telegram's limits (30 messages/s, 1 per chat per second; target: within 5% of the
configured rate with zero 429s), and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Bot

from bot.outreach.dispatcher import DEFAULT_RATE, Dispatcher
from bot.outreach.outbox import Outbox, text_parts
from bot.settings import Settings
from bot.store.schema import migrate
from bot.telegram.delivery import TelegramSender, bot_api_request
from bot.telegram.local_api import FakeBotAPI, Faults
from bot.telegram.local_server import BotAPIServer
from content.db import create_db_engine

TOKEN = "123456789:BENCH-token"


def _now() -> datetime:
    return datetime.now(UTC)


async def send_for(outbox: Outbox, base_url: str, rate: float, seconds: float) -> Dispatcher:
    # The bot's own client, with its default connections.
    request = bot_api_request(Settings.model_fields["telegram_connections"].default)
    async with Bot(TOKEN, base_url=base_url, request=request) as bot:
        dispatcher = Dispatcher(outbox, TelegramSender(bot), rate=rate)
        dispatcher.start()
        await asyncio.sleep(seconds)
        await dispatcher.stop()
    return dispatcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        engine = create_db_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate(engine)
        outbox = Outbox(engine, _now)
        payload = {"parts": text_parts("<b>全国科普日</b> 9月15日开幕，欢迎参加！")}
        started = time.perf_counter()
        queued = outbox.enqueue("broadcast", range(1, args.recipients + 1), payload)
        enqueue_seconds = time.perf_counter() - started
        print(f"enqueue {queued.total:,} recipients: {enqueue_seconds:.2f} s")

        server = FakeBotAPI(faults=Faults(global_limit=30, per_chat_interval=1.0))
        with BotAPIServer(server) as http:
            dispatcher = asyncio.run(send_for(outbox, http.base_url, args.rate, args.seconds))
        times = server.accepted_times
        # Steady state: from the first accepted message to the last, after a 1 s warm-up.
        steady = [t for t in times if t >= times[0] + 1.0] if times else []
        achieved = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0
        off = (achieved - args.rate) / args.rate * 100
        print(
            f"send rate: {achieved:.2f} msg/s over {args.seconds:.0f} s "
            f"(configured {args.rate:g}/s, {off:+.1f}%), {len(times):,} sent, "
            f"{server.throttled} × 429, flood waits {dispatcher.flood_waits}"
        )
        figures = outbox.figures(queued.broadcast_id)
        print(
            f"outbox: {figures.sent:,} sent, {figures.pending:,} pending, "
            f"{figures.ambiguous} ambiguous"
        )
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
