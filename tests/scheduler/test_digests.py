"""Daily digests through the real bot, the outbox and the fake Bot API, day by day."""

from __future__ import annotations

from tests.scheduler.conftest import Bot, at, days, per_day, received, sent_minute

TICKS = ("00:00", "08:59", "09:00", "09:01", "13:00", "21:30", "23:59")
"""Moments of each day at which the tests run the jobs (as the every-minute trigger would)."""


async def _run_days(bot: Bot, first: str, last: str, ticks: tuple[str, ...] = TICKS) -> None:
    for day in days(first, last):
        for moment in ticks:
            await bot.tick(at(day, moment))


async def test_one_digest_a_day_at_nine_with_the_district_first(bot: Bot) -> None:
    bot.subscribe(101, district="渝中区")
    bot.subscribe(102)  # the whole city
    await _run_days(bot, "2024-09-11", "2024-09-28")

    counts = per_day(bot.api, 101)
    assert all(n == 1 for n in counts.values())
    assert sorted(counts) == days("2024-09-11", "2024-09-26")  # countdown, 11 days, closing
    assert per_day(bot.api, 102) == counts

    [sent] = received(bot.api, 101, "第 7 天")
    assert sent_minute(sent) == at("2024-09-21", "09:00")
    text = sent["text"]
    # Today in 渝中区 first, in time order; the exhibition elsewhere; no other district's event.
    assert text.index("渝中区今天") < text.index("10:00 亲子科学实验秀")
    assert text.index("亲子科学实验秀") < text.index("14:00 院士专家科普报告会")
    assert text.index("院士专家科普报告会") < text.index("正在展出") < text.index("深空探测主题展")
    assert "今日推荐" in text
    assert "防灾避险" not in text  # 北碚区, the next day


async def test_countdown_city_wide_events_and_the_closing_message(bot: Bot) -> None:
    bot.subscribe(101, district="渝中区")
    await _run_days(bot, "2024-09-12", "2024-09-12")
    [countdown] = received(bot.api, 101)
    assert "还有 <b>3</b> 天" in countdown["text"]

    await _run_days(bot, "2024-09-23", "2024-09-23")
    [sept23] = received(bot.api, 101, "第 9 天")
    assert "全市及线上" in sept23["text"] and "食品安全小课堂" in sept23["text"]

    await _run_days(bot, "2024-09-26", "2024-10-10")
    [closing] = received(bot.api, 101, "圆满结束")
    assert sent_minute(closing).date().isoformat() == "2024-09-26"
    assert len(received(bot.api, 101)) == 3  # then silence


async def test_changes_take_effect_the_next_day(bot: Bot) -> None:
    bot.subscribe(101)
    await bot.tick(at("2024-09-16", "09:00"))
    assert per_day(bot.api, 101)[at("2024-09-16").date()] == 1

    # Subscribed after nine: nothing today, tomorrow at nine.
    bot.clock.set(at("2024-09-16", "10:00"))
    bot.subscribe(103)
    await _run_days(bot, "2024-09-16", "2024-09-16", ("10:01", "23:59"))
    await bot.tick(at("2024-09-17", "08:59"))
    assert per_day(bot.api, 103) == {}
    await bot.tick(at("2024-09-17", "09:00"))
    assert list(per_day(bot.api, 103).values()) == [1]

    # Moved to 08:00 after today's digest: no second one today, tomorrow at eight.
    bot.clock.set(at("2024-09-17", "10:00"))
    bot.services.subscriptions.set_digest_time(103, "08:00")
    await _run_days(bot, "2024-09-17", "2024-09-17", ("10:01", "23:59"))
    await bot.tick(at("2024-09-18", "07:59"))
    assert len(received(bot.api, 103)) == 1
    await bot.tick(at("2024-09-18", "08:00"))
    assert len(received(bot.api, 103)) == 2

    # Moved later the same day after getting it: still one a day.
    bot.services.subscriptions.set_digest_time(103, "09:30")
    await _run_days(bot, "2024-09-18", "2024-09-18", ("09:30", "23:59"))
    assert per_day(bot.api, 103)[at("2024-09-18").date()] == 1

    # Unsubscribed: nothing from the next digest time on.
    bot.services.subscriptions.unsubscribe(103)
    await _run_days(bot, "2024-09-19", "2024-09-20")
    assert len(received(bot.api, 103)) == 2
    assert len(received(bot.api, 101)) == 5  # the steady subscriber, 16th to 20th


async def test_downtime_over_nine_sends_each_digest_once_on_start(bot: Bot) -> None:
    for user in (101, 102, 103):
        bot.subscribe(user, district="渝中区" if user == 101 else None)
    await bot.tick(at("2024-09-16", "08:55"))
    assert bot.api.sent_messages == []

    # Down from 08:55 to 09:40: the first job run after the start catches up.
    await bot.tick(at("2024-09-16", "09:40"))
    await bot.tick(at("2024-09-16", "09:41"))
    await bot.tick(at("2024-09-16", "09:41"))  # a job that runs twice
    for user in (101, 102, 103):
        [digest] = received(bot.api, user)
        assert sent_minute(digest) == at("2024-09-16", "09:40")


async def test_a_digest_a_whole_day_late_is_skipped(bot: Bot) -> None:
    bot.subscribe(101)
    await bot.tick(at("2024-09-16", "08:55"))
    await bot.tick(at("2024-09-17", "10:00"))  # down for a day
    [digest] = received(bot.api, 101)
    assert "第 3 天" in digest["text"]  # the 17th's, not the 16th's


async def test_a_restart_in_the_middle_sends_nothing_twice(bot: Bot) -> None:
    """Queued but not yet sent when the process died: the next start sends it once."""
    bot.subscribe(101)
    bot.subscribe(102, district="渝中区")
    bot.clock.set(at("2024-09-16", "09:00"))
    reminders = bot.services.reminders
    assert reminders.queue_due_digests() == 2  # queued, then the crash: nothing sent
    assert reminders.queue_due_digests() == 0  # the restarted job finds it queued
    await bot.tick(at("2024-09-16", "09:05"))
    assert len(bot.api.sent_messages) == 2
