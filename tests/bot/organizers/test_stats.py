"""Campaign statistics, including a submissions table built by another feature."""

from __future__ import annotations

from bot.channels import Channel
from bot.organizers.stats import campaign_stats, format_stats, submission_stats
from bot.services import Services
from bot.store.models import Submission
from content.db import session_scope
from tests.conftest import NOW, TZ


def test_no_submissions_yet(services: Services) -> None:
    assert submission_stats(services.engine).total == 0
    assert "尚无提交记录" in format_stats(campaign_stats(services.engine, NOW, TZ), TZ)


def test_submissions_are_counted(services: Services) -> None:
    rows = [("douyin", "1", "approved"), ("douyin", "2", "pending"), ("bilibili", "3", "approved")]
    with session_scope(services.engine) as session:
        for platform, video, status in rows:
            session.add(
                Submission(
                    canonical_url=f"https://example.org/{platform}/{video}",
                    platform=platform,
                    video_id=video,
                    submitted_url=f"https://example.org/{platform}/{video}",
                    creator_id=7,
                    source_message=f"7:{video}",
                    status=status,
                    submitted_at=NOW,
                )
            )
    stats = submission_stats(services.engine)
    assert stats.total == 3
    assert stats.per_status == {"approved": 2, "pending": 1}
    assert stats.per_platform == {"douyin": 2, "bilibili": 1}


def test_questions_and_subscribers_per_day(services: Services) -> None:
    services.subscriptions.subscribe(1)
    services.questions.ask("科普日什么时候开始")
    services.writer.flush()  # the question log is written behind the answer
    stats = campaign_stats(services.engine, NOW, TZ)
    assert stats.subscribers == 1 and stats.new_subscribers[NOW.date()] == 1
    assert stats.questions_per_day[NOW.date()] == 1 and stats.top_intents


def test_questions_are_counted_per_channel(services: Services) -> None:
    services.questions.ask("科普日什么时候开始")
    services.questions.ask("今年的主题是什么", -5, Channel.WEB)
    services.questions.ask("怎么报名", -6, Channel.WEB)
    services.questions.ask("活动总结怎么报送", -7, Channel.WECHAT)
    services.writer.flush()
    stats = campaign_stats(services.engine, NOW, TZ)
    assert stats.questions_per_channel == {"telegram": 1, "web": 2, "wechat": 1}
    assert "按渠道：Telegram 1，网页 2，公众号 1" in format_stats(stats, TZ)
