"""Campaign statistics, including a submissions table built by another feature."""

from __future__ import annotations

from sqlalchemy import text

from bot.services import Services
from bot.stats import campaign_stats, format_stats, submission_stats
from tests.conftest import NOW, TZ


def test_no_submissions_table_yet(services: Services) -> None:
    assert submission_stats(services.engine) is None
    assert "尚无提交记录" in format_stats(campaign_stats(services.engine, NOW, TZ), TZ)


def test_submissions_are_counted_when_the_table_exists(services: Services) -> None:
    with services.engine.begin() as conn:
        conn.execute(
            text("CREATE TABLE submission (id INTEGER PRIMARY KEY, platform TEXT, status TEXT)")
        )
        conn.execute(
            text(
                "INSERT INTO submission (platform, status) VALUES "
                "('抖音', 'accepted'), ('抖音', 'pending'), ('B站', 'accepted')"
            )
        )
    stats = submission_stats(services.engine)
    assert stats is not None and stats.total == 3
    assert stats.per_status == {"accepted": 2, "pending": 1}
    assert stats.per_platform == {"抖音": 2, "B站": 1}


def test_questions_and_subscribers_per_day(services: Services) -> None:
    services.subscriptions.subscribe(1)
    services.questions.ask("科普日什么时候开始")
    stats = campaign_stats(services.engine, NOW, TZ)
    assert stats.subscribers == 1 and stats.new_subscribers[NOW.date()] == 1
    assert stats.questions_per_day[NOW.date()] == 1 and stats.top_intents
