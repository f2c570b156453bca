"""One scheduler per deployment: two instances on one database send one set of messages."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import pytest

from bot.organizers.imports import import_path
from bot.outreach.outbox import text_parts
from bot.telegram.local_api import FakeBotAPI
from tests.conftest import TZ
from tests.scheduler.conftest import SAMPLE_EVENTS, FakeClock, MakeBot, at, days, received


async def test_two_instances_send_one_set_and_the_second_says_why(
    make_bot: MakeBot, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeBotAPI(clock=fake_clock.now)
    # The test jumps hours between job runs; a real leader renews every minute.
    week = 7 * 24 * 3600
    first = await make_bot(api=api, scheduler_lease_seconds=week)
    second = await make_bot(api=api, scheduler_lease_seconds=week)
    import_path(first.services.engine, SAMPLE_EVENTS, TZ)
    for user in (101, 102, 103):
        first.subscribe(user, topics=("public", "creators"))

    with caplog.at_level(logging.INFO, logger="bot.runtime.lease"):
        for day in days("2024-09-14", "2024-09-19"):
            for moment in ("09:00", "09:01", "19:00", "19:01"):
                # Both run every job, in either order.
                order = (first, second) if day.day % 2 else (second, first)
                for instance in order:
                    await instance.tick(at(day, moment))

    for user in (101, 102, 103):
        assert len(received(api, user, "天")) == 6  # one digest a day
        assert len(received(api, user, "/submit")) == 2  # the 15th and the 18th
    refusals = [r for r in caplog.records if "runs no scheduled jobs" in r.getMessage()]
    assert len(refusals) == 1  # said once, not every minute
    assert second.services.lease.owner in caplog.text


async def test_a_dead_leaders_lease_expires_and_another_takes_over(make_bot: MakeBot) -> None:
    clock_a = FakeClock(at("2024-09-16", "08:00"))
    clock_b = FakeClock(at("2024-09-16", "08:00"))
    api = FakeBotAPI(clock=clock_b.now)
    leader = await make_bot(api=api, clock=clock_a)
    standby = await make_bot(api=api, clock=clock_b)
    leader.subscribe(101)

    assert await leader.tick(at("2024-09-16", "08:30")) == 0  # takes the lease
    assert not standby.services.lease.hold()
    # The leader dies at 08:30 (no more ticks). Its lease runs out 20 s later.
    await standby.tick(at("2024-09-16", "08:30") + timedelta(seconds=15))
    assert not standby.services.lease.hold()
    await standby.tick(at("2024-09-16", "09:00"))
    assert standby.services.lease.hold()
    [digest] = received(api, 101)
    assert "第 2 天" in digest["text"]


async def test_a_clean_shutdown_hands_over_at_once(make_bot: MakeBot) -> None:
    first = await make_bot()
    second = await make_bot()
    first.clock.set(at("2024-09-16", "08:00"))
    assert first.services.lease.hold()
    assert not second.services.lease.hold()
    first.services.lease.release()
    assert second.services.lease.hold()
    holder = second.services.lease.holder()
    assert holder is not None and holder.owner == second.services.lease.owner
    assert holder.expires_at - first.clock.now() == timedelta(seconds=20)


async def test_the_dispatcher_moves_to_the_next_lease_holder_within_30_seconds(
    make_bot: MakeBot, fake_clock: FakeClock
) -> None:
    api = FakeBotAPI(clock=fake_clock.now)
    first = await make_bot(api=api)
    second = await make_bot(api=api)
    fake_clock.set(at("2024-09-16", "08:00"))
    try:
        assert await first.services.leadership.tick()
        assert not await second.services.leadership.tick()
        assert first.services.dispatcher.running and not second.services.dispatcher.running

        # The leader dies: no more renewals, and its dispatcher dies with it.
        await first.services.dispatcher.stop()
        died_at = fake_clock.now()
        renew = second.services.leadership.renew_every
        while not await second.services.leadership.tick():
            await fake_clock.sleep(renew)
        assert fake_clock.now() - died_at <= timedelta(seconds=30)
        assert second.services.dispatcher.running

        # What is queued now goes out once, from the new leader.
        enqueued = second.services.outbox.enqueue(
            "broadcast", [201, 202, 203], {"parts": text_parts("换手之后")}
        )
        second.services.dispatcher.wake()
        deadline = time.monotonic() + 20  # the dispatcher works in threads: real time
        while (figures := second.services.outbox.figures(enqueued.broadcast_id)).remaining:
            assert time.monotonic() < deadline, figures
            await asyncio.sleep(0.02)
        assert figures.sent == 3
        assert sorted(int(c.params["chat_id"]) for c in api.sent_messages) == [201, 202, 203]
    finally:
        await first.services.leadership.stop()
        await second.services.leadership.stop()
