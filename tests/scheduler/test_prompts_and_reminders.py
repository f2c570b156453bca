"""Creator prompts (cadence, quiet hours, recent submissions) and deadline reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.outreach.reminders import in_quiet_hours
from bot.settings import SettingsError, load_settings
from bot.store.models import Submission
from content.db import session_scope
from tests.scheduler.conftest import Bot, MakeBot, at, days, per_day, received, sent_minute

HOURLY = (*(f"{hour:02d}:00" for hour in range(24)), "23:59")


async def _run_days(bot: Bot, first: str, last: str, ticks: tuple[str, ...] = HOURLY) -> None:
    for day in days(first, last):
        for moment in ticks:
            await bot.tick(at(day, moment))


async def test_creator_prompts_every_third_campaign_day_at_seven_pm(bot: Bot) -> None:
    bot.subscribe(201, topics=("creators",))
    await _run_days(bot, "2024-09-13", "2024-09-27")
    prompts = received(bot.api, 201)
    assert [sent_minute(p) for p in prompts] == [
        at(day, "19:00") for day in ("2024-09-15", "2024-09-18", "2024-09-21", "2024-09-24")
    ]
    assert "#千万IP创科普#" in prompts[0]["text"] and "/submit" in prompts[0]["text"]


async def test_no_prompt_in_quiet_hours_even_after_downtime(bot: Bot) -> None:
    bot.subscribe(201, topics=("creators",))
    await bot.tick(at("2024-09-15", "18:00"))
    await bot.tick(at("2024-09-15", "22:30"))  # down over 19:00, back in the quiet hours
    await bot.tick(at("2024-09-16", "08:00"))  # the next morning: yesterday's is skipped
    assert received(bot.api, 201) == []

    await bot.tick(at("2024-09-18", "18:00"))
    await bot.tick(at("2024-09-18", "21:10"))  # back before 22:00: caught up
    [prompt] = received(bot.api, 201)
    assert sent_minute(prompt) == at("2024-09-18", "21:10")


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [("21:59", False), ("22:00", True), ("03:00", True), ("07:59", True), ("08:00", False)],
)
def test_quiet_hours(moment: str, quiet: bool) -> None:
    assert in_quiet_hours(at("2024-09-18", moment)) is quiet


def test_a_prompt_time_in_the_quiet_hours_is_refused() -> None:
    with pytest.raises(SettingsError, match="KEPUBOT_CREATOR_PROMPT_TIME"):
        load_settings(creator_prompt_time="23:00")


async def test_prompts_stop_for_a_creator_who_submitted_lately(bot: Bot) -> None:
    bot.subscribe(201, topics=("creators",))
    bot.subscribe(202, topics=("creators",))
    with session_scope(bot.services.engine) as session:
        session.add(
            Submission(
                canonical_url="https://www.douyin.com/video/7001",
                platform="douyin",
                video_id="7001",
                submitted_url="https://www.douyin.com/video/7001",
                creator_id=201,
                source_message="201:1",
                submitted_at=at("2024-09-19", "12:00"),
            )
        )
    await _run_days(bot, "2024-09-18", "2024-09-24", ("19:00",))
    assert sorted(per_day(bot.api, 201)) == [date(2024, 9, 18), date(2024, 9, 24)]
    assert sorted(per_day(bot.api, 202)) == [
        date(2024, 9, 18),
        date(2024, 9, 21),
        date(2024, 9, 24),
    ]


async def test_deadline_reminders_three_days_one_day_and_on_the_day(make_bot: MakeBot) -> None:
    bot = await make_bot(admin_ids="900")
    bot.subscribe(301, topics=("organizers",))
    bot.subscribe(302)  # the public topic only: no reminders
    await _run_days(bot, "2024-09-20", "2024-09-30", ("09:59", "10:00", "18:00"))
    for organizer in (900, 301):
        reminders = received(bot.api, organizer, "总结材料")
        assert [sent_minute(r) for r in reminders] == [
            at(day, "10:00") for day in ("2024-09-24", "2024-09-26", "2024-09-27")
        ]
    texts = [r["text"] for r in received(bot.api, 900)]
    assert "还有 3 天截止" in texts[0] and "cqskpr@163.com" in texts[0] and "PDF版本" in texts[0]
    assert "今天截止" in texts[2]
    assert not any("总结材料" in r["text"] for r in received(bot.api, 302))


async def test_reminder_days_are_configurable(make_bot: MakeBot) -> None:
    bot = await make_bot(
        admin_ids="900", deadline_reminder_days="5", deadline_reminder_time="08:30"
    )
    await _run_days(bot, "2024-09-20", "2024-09-28", ("08:30", "12:00"))
    assert [sent_minute(r) for r in received(bot.api, 900)] == [
        at("2024-09-22", "08:30"),
        at("2024-09-27", "08:30"),
    ]


def test_reminder_days_setting_is_checked() -> None:
    assert load_settings(deadline_reminder_days="1, 3,7").deadline_reminder_days == (7, 3, 1)
    with pytest.raises(SettingsError, match="KEPUBOT_DEADLINE_REMINDER_DAYS"):
        load_settings(deadline_reminder_days="three")


async def test_a_broadcast_confirmed_with_a_send_time_goes_out_at_that_time(bot: Bot) -> None:
    """Scheduled broadcasts need no job: the dispatcher holds them until their time."""
    bot.subscribe(101)
    bot.clock.set(at("2024-09-14", "20:00"))
    bot.services.outbox.enqueue(
        "broadcast",
        bot.services.subscriptions.audience("all"),
        {"parts": [{"type": "text", "text": "明天见"}]},
        send_at=at("2024-09-15", "08:30"),
    )
    await bot.services.dispatcher.run_until_idle()  # waits (on the fake clock) until 08:30
    [message] = received(bot.api, 101, "明天见")
    assert sent_minute(message) == at("2024-09-15", "08:30")
    assert datetime.fromtimestamp(message["date"], UTC) < at("2024-09-15", "09:00")
