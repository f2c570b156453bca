"""The APScheduler wiring: fixed job ids, the campaign time zone on a UTC host, misfires."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.triggers.cron import CronTrigger

from scheduler.wiring import JOBS, schedule_jobs
from tests.conftest import TZ
from tests.scheduler.conftest import Bot, FakeClock, MakeBot, received, sent_minute


@pytest.fixture
def utc_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The host's clock and local time zone are UTC (as on most servers)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_jobs_have_fixed_ids_and_state_their_misfire_handling(bot: Bot) -> None:
    job_queue = bot.application.job_queue
    assert job_queue is not None
    jobs = {job.job.id: job.job for job in job_queue.jobs()}
    assert (
        set(jobs)
        == set(JOBS)
        == {
            "digests",
            "creator-prompts",
            "deadline-reminders",
            "organizer-report",
        }
    )
    for job in jobs.values():
        assert job.misfire_grace_time is None  # a late run always runs…
        assert job.coalesce is True  # …once, however many runs were missed
        assert job.max_instances == 1
        assert isinstance(job.trigger, CronTrigger)
        assert str(job.trigger.timezone) == "Asia/Shanghai"
    assert str(job_queue.scheduler.timezone) == "Asia/Shanghai"


async def test_late_jobs_run_once_each_when_the_scheduler_starts(make_bot: MakeBot) -> None:
    """Scheduled for two hours ago (the bot was down): each job runs once, none is dropped,
    and adding the jobs again replaced them instead of doubling them."""
    instance = await make_bot()
    job_queue = instance.application.job_queue
    assert job_queue is not None
    schedule_jobs(job_queue, TZ, first_run=datetime.now(TZ) - timedelta(hours=2))

    events: Counter[tuple[str, int]] = Counter()
    all_ran = asyncio.Event()

    def listen(event: JobEvent) -> None:
        events[(event.job_id, event.code)] += 1
        if sum(n for (_, code), n in events.items() if code == EVENT_JOB_EXECUTED) == len(JOBS):
            all_ran.set()

    job_queue.scheduler.add_listener(
        listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
    )
    await job_queue.start()
    try:
        await asyncio.wait_for(all_ran.wait(), timeout=20)
        assert len(job_queue.jobs()) == len(JOBS)
    finally:
        await job_queue.stop()
    assert events == Counter({(job_id, EVENT_JOB_EXECUTED): 1 for job_id in JOBS})
    holder = instance.services.lease.holder()
    assert holder is not None and holder.owner == instance.services.lease.owner


async def test_local_times_on_a_utc_host(utc_host: None, make_bot: MakeBot) -> None:
    clock = FakeClock(datetime(2024, 9, 15, 12, 0, tzinfo=UTC))  # 20:00 in Chongqing
    instance = await make_bot(clock=clock)
    instance.subscribe(101, digest_time="07:00")
    instance.subscribe(102)  # 09:00

    await instance.tick(datetime(2024, 9, 15, 22, 59, tzinfo=UTC))  # 06:59 local
    assert instance.api.sent_messages == []
    await instance.tick(datetime(2024, 9, 15, 23, 0, tzinfo=UTC))  # 07:00 on the 16th
    await instance.tick(datetime(2024, 9, 16, 1, 0, tzinfo=UTC))  # 09:00 local
    await instance.tick(datetime(2024, 9, 16, 9, 0, tzinfo=UTC))  # 09:00 UTC: nothing new

    [early] = received(instance.api, 101)
    [late] = received(instance.api, 102)
    assert "第 2 天" in early["text"] and "第 2 天" in late["text"]
    assert sent_minute(early) == datetime(2024, 9, 16, 7, 0, tzinfo=TZ)
    assert sent_minute(late) == datetime(2024, 9, 16, 9, 0, tzinfo=TZ)

    job_queue = instance.application.job_queue
    assert job_queue is not None
    trigger = job_queue.scheduler.get_jobs()[0].trigger
    next_fire = trigger.get_next_fire_time(None, datetime(2024, 9, 16, 0, 59, 30, tzinfo=UTC))
    assert next_fire.utcoffset() == timedelta(hours=8)
    assert next_fire == datetime(2024, 9, 16, 1, 0, tzinfo=UTC)
