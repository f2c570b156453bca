"""What the public sees under answers, through the real Application and the fake Bot API:
related-question buttons on ordinary answers, and an event the store does not hold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from content.answers import Answerer
from content.db import create_db_engine
from content.importer import apply_import, parse_import
from tests.conftest import NOW, TZ, Send
from tests.helpers.updates import make_callback

OTHER_EVENTS = """\
events:
  - id: ab-coding
    title: 青少年编程挑战赛
    start: 2024-09-18T14:00:00+08:00
    venue: 重庆科技馆
    district: 江北区
"""
ROBOT_EVENT = """\
events:
  - id: ab-robot
    title: 机器人编程体验营
    start: 2024-09-17T09:00:00+08:00
    venue: 永川区科技馆
    district: 永川区
"""


@pytest.fixture
def answerer(db_url: str, jieba_cache: Path) -> Iterator[Answerer]:
    """This test's own answerer, over its own database (the tests import events)."""
    engine = create_db_engine(db_url)
    yield Answerer(engine, tz=TZ, cache_dir=jieba_cache)
    engine.dispose()


def buttons(call: Any) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [row[0]["text"] for row in markup.get("inline_keyboard", [])]


def load(services: Services, events: str) -> None:
    apply_import(services.engine, parse_import(events.encode(), "events.yaml", TZ))
    services.questions.reload()


@pytest.mark.parametrize(
    "question",
    ["科普日什么时候开始", "今年的主题是什么", "有哪些重点活动", "活动总结什么时候报送"],
)
async def test_ordinary_answers_come_with_related_questions(
    send: Send, app: Application, bot_api: FakeBotAPI, question: str
) -> None:
    [reply] = await send(question)
    related = buttons(reply)
    assert 1 <= len(related) <= 3

    # Every button asks a question the bot answers (none of them is a dead end).
    for label in related:
        data = reply.params["reply_markup"]["inline_keyboard"][related.index(label)][0]
        before = len(bot_api.calls)
        await app.process_update(
            make_callback(data["callback_data"], bot=app.bot, when=NOW, message=reply.result)
        )
        [answer] = [c for c in bot_api.calls[before:] if c.method == "sendMessage"]
        assert label in answer.params["text"]  # the header repeats the question
        assert "没有这方面的信息" not in answer.params["text"]


async def test_an_event_not_in_the_store_is_said_so_and_recorded(
    send: Send, services: Services
) -> None:
    load(services, OTHER_EVENTS)
    [reply] = await send("机器人编程体验营在哪里举办")
    text = reply.params["text"]
    assert "已发布的活动里没有“机器人编程体验营”" in text
    assert "名称相近的活动：青少年编程挑战赛" in text
    assert "9月15日至9月25日" not in text  # not the campaign's dates instead
    assert "青少年编程挑战赛在哪里？" in buttons(reply)
    [row] = services.questions.unanswered()
    assert row.text == "机器人编程体验营在哪里举办"

    load(services, ROBOT_EVENT)
    [reply] = await send("机器人编程体验营在哪里举办")
    assert "永川区科技馆" in reply.params["text"]
    assert len(services.questions.unanswered()) == 1  # answered now: nothing new recorded


async def test_a_time_question_about_an_unknown_event_is_not_the_campaign_dates(
    send: Send, services: Services
) -> None:
    [reply] = await send("机器人编程体验营几点开始")
    assert "已发布的活动里没有“机器人编程体验营”" in reply.params["text"]
    assert "9月15日至9月25日" not in reply.params["text"]
    assert [row.text for row in services.questions.unanswered()] == ["机器人编程体验营几点开始"]
