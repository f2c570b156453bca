"""Teaching the bot from chat, end to end through the fake Bot API: questions nobody answers,
/unanswered, "回答", the public's next such question answered; /faq edits and deletes; and
/stats with its chart."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from telegram.ext import Application

from bot.organizers import charts
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from content.answers import Answerer
from content.db import create_db_engine
from handlers.telegram import teach
from tests.conftest import NOW, TZ, Send
from tests.helpers.updates import USER_ID, button_data, make_callback

PUBLIC = 5001
QUESTION = "场馆里可以带宠物吗"
ANSWER = "宠物不能进入场馆，导盲犬除外。"


@pytest.fixture
def answerer(db_url: str, jieba_cache: Path) -> Iterator[Answerer]:
    """The bot's answerer over this test's own store (the shared one reads the template)."""
    engine = create_db_engine(db_url)
    own = Answerer(engine, tz=TZ, cache_dir=jieba_cache)
    yield own
    engine.dispose()


async def press(
    app: Application, message: dict[str, Any], label: str, *, user_id: int = USER_ID
) -> None:
    data = button_data(message, label)
    await app.process_update(
        make_callback(data, bot=app.bot, when=NOW, message=message, user_id=user_id)
    )


def last_text(bot_api: FakeBotAPI) -> str:
    return str(bot_api.sent_messages[-1].params["text"])


async def test_an_organizer_answers_what_the_bot_could_not(
    app: Application, services: Services, bot_api: FakeBotAPI, send: Send
) -> None:
    services.people.grant(USER_ID, by=1)
    for _ in range(3):
        [reply] = await send(QUESTION, user_id=PUBLIC)
        assert ANSWER not in reply.params["text"]
    await send("今天食堂吃什么", user_id=PUBLIC)

    [listing] = await send("/unanswered")
    text = listing.params["text"]
    assert text.index(QUESTION) < text.index("今天食堂吃什么")
    assert f"{QUESTION}（3 次）" in text
    await press(app, listing.result, "回答 1")
    assert QUESTION in last_text(bot_api) and "请发送" in last_text(bot_api)

    [preview] = await send(ANSWER)
    assert "预览" in preview.params["text"] and ANSWER in preview.params["text"]
    assert services.faqs.cards() == []  # nothing stored before the confirmation
    await press(app, preview.result, "确认保存")
    assert "已保存问答卡片" in last_text(bot_api)

    [card] = services.faqs.cards()
    assert card.question == QUESTION and card.answer == ANSWER
    [reply] = await send(QUESTION, user_id=PUBLIC)
    assert reply.params["text"] == ANSWER
    for similar in ("場館裡可以帶寵物嗎？", "能不能带宠物进场馆"):  # the same, and a similar one
        [reply] = await send(similar, user_id=PUBLIC + 1)
        assert reply.params["text"] == ANSWER
    [listing] = await send("/unanswered")
    assert QUESTION not in listing.params["text"] and "今天食堂吃什么" in listing.params["text"]
    services.writer.flush()
    assert [row.text for row in services.faqs.unanswered()] == ["今天食堂吃什么"]
    [change] = services.faqs.changes()
    assert (change.action, change.changed_by, change.after["answer"]) == (
        "create",
        USER_ID,
        ANSWER,
    )


async def test_faq_cards_are_edited_and_deleted_with_an_audit_trail(
    app: Application, services: Services, bot_api: FakeBotAPI, send: Send
) -> None:
    services.people.grant(USER_ID, by=1)
    await send(QUESTION, user_id=PUBLIC)
    services.writer.flush()
    [entry] = services.faqs.unanswered()
    card = services.faqs.teach(entry.text, "旧的回答", by=USER_ID)
    services.questions.reload()

    [shown] = await send("/faq")
    assert card.id in shown.params["text"] and "旧的回答" in shown.params["text"]
    await press(app, shown.result, "修改")
    assert "旧的回答" in last_text(bot_api)
    [preview] = await send(ANSWER)
    await press(app, preview.result, "确认保存")
    assert "已修改" in last_text(bot_api)
    [reply] = await send(QUESTION, user_id=PUBLIC)
    assert reply.params["text"] == ANSWER

    [shown] = await send("/faq")
    await press(app, shown.result, "删除")
    await press(app, bot_api.sent_messages[-1].result, "确定删除")
    assert "已删除" in last_text(bot_api)
    assert services.faqs.cards() == []
    [reply] = await send(QUESTION, user_id=PUBLIC)
    assert reply.params["text"] != ANSWER
    actions = [(c.action, c.before and c.before["answer"]) for c in services.faqs.changes()]
    assert actions == [("create", None), ("edit", "旧的回答"), ("delete", ANSWER)]
    services.writer.flush()
    [entry] = services.faqs.unanswered()  # counted as unanswered again: before and after
    assert entry.count == 2


async def test_an_empty_answer_is_refused_politely(
    app: Application, services: Services, bot_api: FakeBotAPI, send: Send
) -> None:
    services.people.grant(USER_ID, by=1)
    await send(QUESTION, user_id=PUBLIC)
    [listing] = await send("/unanswered")
    await press(app, listing.result, "回答 1")
    [preview] = await send("   \u3000")
    await press(app, preview.result, "确认保存")
    assert "没有保存" in last_text(bot_api) and "空" in last_text(bot_api)
    assert services.faqs.cards() == []


async def test_a_stranger_cannot_answer_or_list(
    app: Application,
    services: Services,
    bot_api: FakeBotAPI,
    send: Send,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await send(QUESTION, user_id=PUBLIC)
    [reply] = await send("/unanswered", user_id=PUBLIC)
    assert "只对活动组织者开放" in reply.params["text"]
    services.writer.flush()
    [entry] = services.faqs.unanswered()
    message = {"message_id": 1, "date": 0, "chat": {"id": PUBLIC, "type": "private"}, "text": "x"}
    forged = make_callback(
        f"{teach.ANSWER}{entry.ref}", bot=app.bot, when=NOW, message=message, user_id=PUBLIC
    )
    await app.process_update(forged)
    [refused] = bot_api.calls_to("answerCallbackQuery")
    assert "只对活动组织者开放" in refused.params["text"]
    assert any(str(PUBLIC) in r.getMessage() for r in caplog.records)
    await send("随便一个回答", user_id=PUBLIC)  # not in any conversation: just a question
    assert services.faqs.cards() == [] and services.faqs.changes() == []


async def test_stats_sends_a_chart_that_matches_the_data(
    services: Services, bot_api: FakeBotAPI, send: Send, cjk_font: Path
) -> None:
    services.people.grant(USER_ID, by=1)
    await send("/subscribe", user_id=PUBLIC)
    await send("科普日什么时候开始", user_id=PUBLIC)
    await send(QUESTION, user_id=PUBLIC)
    await send(QUESTION, user_id=PUBLIC)
    await send("/stats")
    [photo] = bot_api.calls_to("sendPhoto")
    png = photo.params["photo"]
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == charts.SIZE
    services.writer.flush()
    figures = charts.chart_figures(services.engine, NOW, TZ)
    today = NOW.date()
    assert (figures.answered[today], figures.unanswered[today]) == (1, 2)
    assert figures.subscribers[today] == 1
    # The chart drawn from those figures is the one sent.
    assert png == charts.render_chart(figures, cjk_font)


async def test_stats_without_a_cjk_font_sends_the_text_only(
    services: Services,
    bot_api: FakeBotAPI,
    send: Send,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.people.grant(USER_ID, by=1)
    monkeypatch.setattr("bot.organizers.report.chart_font", lambda: None)
    replies = await send("/stats")
    assert "共 0 个问题" in "".join(r.params["text"] for r in replies)
    assert bot_api.calls_to("sendPhoto") == []
