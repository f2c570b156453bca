"""The organizers' chart: its figures come from the database, and the PNG shows them."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from bot.cli import main
from bot.clock import fixed_clock
from bot.organizers import charts
from bot.outreach.outbox import Outbox
from bot.store.models import AskedQuestion, OutboxMessage, Submission, Subscription
from content.db import session_scope
from tests.conftest import NOW, TZ

YESTERDAY = NOW - timedelta(days=1)


def fill(engine: Engine) -> None:
    """Questions on two days, three subscribers, three submissions, one broadcast."""
    asked = [(NOW, True)] * 4 + [(NOW, False)] * 2 + [(YESTERDAY, True), (YESTERDAY, False)]
    subscribed = [(1, YESTERDAY - timedelta(days=2)), (2, YESTERDAY), (3, NOW)]
    submitted = [("douyin", "approved"), ("douyin", "pending"), ("bilibili", "pending")]
    with session_scope(engine) as session:
        for at, answered in asked:
            session.add(AskedQuestion(asked_at=at, intent="x", answered=answered))
        for user, at in subscribed:
            session.add(Subscription(user_id=user, created_at=at, updated_at=at))
        for n, (platform, status) in enumerate(submitted):
            url = f"https://example.org/{platform}/{n}"
            session.add(
                Submission(
                    canonical_url=url,
                    platform=platform,
                    submitted_url=url,
                    creator_id=7,
                    source_message=f"7:{n}",
                    status=status,
                    submitted_at=NOW,
                )
            )
    outbox = Outbox(engine, fixed_clock(NOW))
    sent = outbox.enqueue("broadcast", [11, 12, 13, 14], {"parts": []})
    outcomes = {11: "sent", 12: "sent", 13: "blocked", 14: "failed"}
    with session_scope(engine) as session:
        for chat, status in outcomes.items():
            session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.broadcast_id) == sent.broadcast_id,
                    col(OutboxMessage.chat_id) == chat,
                )
                .values(status=status)
            )


def test_the_figures_are_the_database_s(engine: Engine) -> None:
    fill(engine)
    figures = charts.chart_figures(engine, NOW, TZ)
    today, yesterday = NOW.date(), YESTERDAY.date()
    assert figures.days[-1] == today and len(figures.days) == 7
    assert (figures.answered[today], figures.unanswered[today]) == (4, 2)
    assert (figures.answered[yesterday], figures.unanswered[yesterday]) == (1, 1)
    assert [figures.subscribers[d] for d in figures.days[-4:]] == [1, 1, 2, 3]
    assert figures.submissions == {
        ("douyin", "approved"): 1,
        ("douyin", "pending"): 1,
        ("bilibili", "pending"): 1,
    }
    [broadcast] = figures.broadcasts
    f = broadcast.figures
    assert (f.sent, f.blocked, f.failed) == (2, 1, 1)


def test_the_chart_draws_the_figures(engine: Engine) -> None:
    fill(engine)
    figures = charts.chart_figures(engine, NOW, TZ)
    with Session(engine) as session:
        stored = len(session.exec(select(AskedQuestion)).all())
    questions, subscribers, submissions, broadcasts = charts.build_figure(figures).axes
    heights = [p.get_height() for p in questions.patches]
    assert sum(heights) == stored  # answered + unanswered bars, every question once
    assert heights[6] == 4 and heights[13] == 2  # today: answered, then unanswered on top
    [line] = subscribers.get_lines()
    assert list(line.get_ydata()) == [figures.subscribers[d] for d in figures.days]
    assert sorted(p.get_height() for p in submissions.patches if p.get_height()) == [1, 1, 1]
    assert [t.get_text() for t in submissions.get_xticklabels()] == ["bilibili", "抖音"]
    assert [p.get_height() for p in broadcasts.patches] == [2, 1, 1]
    titles = [a.get_title() for a in (questions, subscribers, submissions, broadcasts)]
    assert titles == ["每日提问", "订阅人数", "作品提交（按平台、状态）", "群发送达"]


def test_the_png_is_an_image_of_the_expected_size_with_content(
    engine: Engine, cjk_font: Path
) -> None:
    fill(engine)
    png = charts.render_chart(charts.chart_figures(engine, NOW, TZ), cjk_font)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == charts.SIZE
    pixels = image.convert("RGB")
    colors = pixels.getcolors(maxcolors=1 << 20) or []
    assert len(colors) > 50  # bars, lines, anti-aliased glyphs: not a blank canvas
    white = dict((rgb, n) for n, rgb in colors).get((255, 255, 255), 0)
    assert white < 0.95 * image.size[0] * image.size[1]
    answered = (0x2A, 0x9D, 0x8F)  # the answered bars' colour is on it
    assert any(rgb == answered for _, rgb in colors)


def test_an_empty_store_still_draws(engine: Engine, cjk_font: Path) -> None:
    png = charts.render_chart(charts.chart_figures(engine, NOW, TZ), cjk_font)
    assert Image.open(io.BytesIO(png)).size == charts.SIZE


def test_no_cjk_font_is_said_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    charts.chart_font.cache_clear()
    monkeypatch.setattr(charts, "CJK_FONT_NAMES", ("No Such Font",))
    try:
        with caplog.at_level(logging.WARNING):
            assert charts.chart_font() is None
            assert charts.chart_font() is None
        assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
        assert "no CJK font" in caplog.records[0].getMessage()
    finally:
        charts.chart_font.cache_clear()


def test_the_stats_command_writes_the_chart(
    cli_env: dict[str, str], engine: Engine, tmp_path: Path, cjk_font: Path
) -> None:
    fill(engine)
    out = tmp_path / "chart.png"
    result = CliRunner().invoke(main, ["stats", "--chart", str(out)])
    assert result.exit_code == 0, result.output
    assert "订阅者" in result.stdout
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == charts.SIZE
