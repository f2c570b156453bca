"""The organizers' daily report: yesterday's figures, the chart, the unanswered questions and
the submissions waiting, through the outbox at KEPUBOT_ORGANIZER_REPORT_TIME, caught up the
same day only."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from PIL import Image

from bot.organizers import charts
from bot.store.models import Submission
from content.db import session_scope
from scheduler.jobs import run_if_leader
from tests.scheduler.conftest import Bot, MakeBot, at, received, sent_minute


async def report_tick(bot: Bot, moment: datetime) -> int:
    bot.clock.set(moment)
    queued = await run_if_leader(bot.services, lambda s: s.report.queue_due_report)
    await bot.services.dispatcher.run_until_idle()
    return queued


def photos(bot: Bot, chat_id: int) -> list[bytes]:
    return [
        call.params["photo"]
        for call in bot.api.calls_to("sendPhoto")
        if int(call.params["chat_id"]) == chat_id
    ]


async def test_the_report_goes_to_organizers_at_its_time(
    make_bot: MakeBot, cjk_font: Path
) -> None:
    bot = await make_bot(admin_ids="900")
    bot.subscribe(301, topics=("organizers",))
    bot.subscribe(302)  # the public only
    bot.clock.set(at("2024-09-10", "15:00"))
    for question in ("科普日什么时候开始", "场馆里可以带宠物吗", "场馆里可以带宠物吗"):
        bot.services.questions.ask(question, user_id=302)
    with session_scope(bot.services.engine) as session:
        url = "https://www.douyin.com/video/1"
        session.add(
            Submission(
                canonical_url=url,
                platform="douyin",
                submitted_url=url,
                creator_id=7,
                source_message="7:1",
                title="科普小实验",
                submitted_at=at("2024-09-10", "15:00"),
            )
        )

    assert await report_tick(bot, at("2024-09-11", "08:29")) == 0
    assert await report_tick(bot, at("2024-09-11", "08:30")) == 2
    for organizer in (900, 301):
        [text] = [m["text"] for m in received(bot.api, organizer)]
        assert "组织者日报" in text and "09-10" in text
        assert "昨日提问 3 个，未能回答 2 个" in text and "新订阅 2 人" in text
        assert "场馆里可以带宠物吗（2 次）" in text
        assert "待审核作品</b> 1 件" in text and "科普小实验" in text
        [png] = photos(bot, organizer)
        assert Image.open(io.BytesIO(png)).size == charts.SIZE
    assert received(bot.api, 302) == [] and photos(bot, 302) == []

    assert await report_tick(bot, at("2024-09-11", "12:00")) == 0  # once a day
    assert len(received(bot.api, 900)) == 1


async def test_a_missed_report_is_sent_the_same_day_only(make_bot: MakeBot) -> None:
    bot = await make_bot(admin_ids="900", organizer_report_time="07:15")
    await report_tick(bot, at("2024-09-12", "07:00"))
    await report_tick(bot, at("2024-09-13", "09:40"))  # down over the 12th's 07:15
    [report] = received(bot.api, 900)
    assert sent_minute(report) == at("2024-09-13", "09:40") and "09-12" in report["text"]
