"""The durable update queue: an update is kept before it is acknowledged, a re-delivery is
dropped, and what a dead process kept but never started is handled by another."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlmodel import Session
from telegram.ext import Application

from bot.app import ORPHANS_KEY
from bot.clock import fixed_clock
from bot.intake.ledger import ProcessedUpdates
from bot.services import Services
from bot.store.models import ProcessedUpdate
from bot.telegram.local_api import FakeBotAPI
from bot.telegram.update_queue import DurableQueue
from content.db import write_scope
from tests.conftest import NOW
from tests.helpers.updates import make_message


async def test_polled_updates_are_kept_before_the_next_get_updates_acknowledges_them(
    app: Application, services: Services, bot_api: FakeBotAPI
) -> None:
    update = make_message("科普日什么时候开始", bot=app.bot, when=NOW)
    queue = app.update_queue
    assert isinstance(queue, DurableQueue) and queue.deferred  # long polling
    await queue.put(update)
    await queue.put(update)  # Telegram delivered it again
    assert kept(services, update.update_id) is None  # being kept; not acknowledged yet

    await app.bot.get_updates(timeout=0)  # the acknowledgement waits for the batch
    assert [call.method for call in bot_api.calls][-1] == "getUpdates"
    row = kept(services, update.update_id)
    assert row is not None and row.started_at is None
    assert json.loads(row.payload or "")["message"]["text"] == "科普日什么时候开始"

    # Both copies were queued at once; the first one handled marks it started, the other
    # has no effect.
    for _ in range(2):
        await app.process_update(queue.get_nowait())
    assert queue.empty()
    [reply] = bot_api.sent_messages
    assert "9月15日" in reply.params["text"]


async def test_a_webhook_update_is_kept_before_put_returns(
    app: Application, services: Services, bot_api: FakeBotAPI
) -> None:
    received: list[int] = []

    async def receive(update_id: int, payload: str) -> bool:
        received.append(update_id)
        kept = await services.intake.receive(update_id, payload)
        assert queue.qsize() >= 1  # queued while it was being kept
        return kept

    queue = DurableQueue(receive)  # a webhook's queue: every put is kept before it returns
    first = make_message("主题是什么", bot=app.bot, when=NOW)
    second = make_message("在哪里", bot=app.bot, when=NOW)
    await queue.put(first)
    assert received == [first.update_id]
    assert kept(services, first.update_id) is not None
    await asyncio.gather(queue.put(second), queue.put(first))
    assert sorted(received) == sorted([first.update_id, first.update_id, second.update_id])
    for _ in range(3):
        await app.process_update(queue.get_nowait())
    assert queue.empty()
    assert len(bot_api.sent_messages) == 2  # the repeat had no effect


async def test_an_update_that_cannot_be_kept_is_handled_all_the_same(
    app: Application, caplog: pytest.LogCaptureFixture
) -> None:
    async def receive(update_id: int, payload: str) -> bool:
        raise RuntimeError("the store refused it")

    update = make_message("主题是什么", bot=app.bot, when=NOW)
    for queue in (DurableQueue(receive), DurableQueue(receive, deferred=True)):
        await queue.put(update)
        await queue.settle()
        assert queue.get_nowait() is update
    assert caplog.text.count(f"update {update.update_id} could not be kept") == 2


async def test_handling_may_start_before_the_update_is_kept(
    app: Application, services: Services, bot_api: FakeBotAPI
) -> None:
    """Keeping and starting race: whichever commits first, the update is handled once and
    is no orphan."""
    update = make_message("科普日什么时候开始", bot=app.bot, when=NOW)
    await app.process_update(update)  # started (and answered) before its keep arrived
    assert not await services.intake.receive(
        update.update_id, json.dumps(update.to_dict(), ensure_ascii=False)
    )
    row = kept(services, update.update_id)
    assert row is not None and row.started_at is not None
    assert await services.intake.orphans(timedelta(seconds=-1)) == []  # however old: none
    assert len(bot_api.sent_messages) == 1


def kept(services: Services, update_id: int) -> ProcessedUpdate | None:
    with Session(services.engine) as session:
        return session.get(ProcessedUpdate, update_id)


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
