"""The durable update queue: an update is kept before it is acknowledged, a re-delivery is
dropped, and what a dead process kept but never started is handled by another."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session
from telegram.ext import Application

from bot.app import ORPHANS_KEY
from bot.clock import fixed_clock
from bot.local_api import FakeBotAPI
from bot.models import ProcessedUpdate
from bot.processed import ProcessedUpdates
from bot.services import Services
from content.db import write_scope
from tests.conftest import NOW
from tests.helpers.updates import make_message


async def test_updates_are_kept_before_they_are_queued_and_repeats_dropped(
    app: Application, services: Services
) -> None:
    update = make_message("科普日什么时候开始", bot=app.bot, when=NOW)
    await app.update_queue.put(update)
    await app.update_queue.put(update)  # Telegram delivered it again
    assert app.update_queue.qsize() == 1
    with Session(services.engine) as session:
        row = session.get(ProcessedUpdate, update.update_id)
    assert row is not None and row.started_at is None
    assert json.loads(row.payload or "")["message"]["text"] == "科普日什么时候开始"


async def test_an_update_a_dead_process_kept_is_answered_here(
    app: Application, services: Services, bot_api: FakeBotAPI
) -> None:
    update = make_message("科普日什么时候开始", bot=app.bot, when=NOW)
    dead = ProcessedUpdates(services.engine, fixed_clock(NOW - timedelta(minutes=5)))
    with write_scope(services.engine) as connection:
        dead.take_in(connection, update.update_id, json.dumps(update.to_dict()))

    sweeper = app.bot_data[ORPHANS_KEY]
    assert await sweeper.sweep(app.bot) == 1
    assert await sweeper.sweep(app.bot) == 0  # claimed once
    await app.process_update(app.update_queue.get_nowait())
    [reply] = bot_api.sent_messages
    assert "9月15日" in reply.params["text"]
    await app.process_update(update)  # and it never runs twice
    assert len(bot_api.sent_messages) == 1
