from __future__ import annotations

import html

import pytest
from telegram.ext import Application

from bot import messages
from bot.formatting import MAX_MESSAGE_CHARS, escape
from bot.services import Services
from bot.telegram.local_api import BOT_USER, FakeBotAPI
from content.answers import Answer, Answerer
from handlers.telegram.replies import ASK_KEY_PREFIX, ASK_TEXT_PREFIX, MAX_CALLBACK_BYTES
from tests.conftest import NOW, Send
from tests.helpers.updates import GROUP_ID, make_callback

CAMPAIGN_DATES = "科普日什么时候开始"
MENTION = f"@{BOT_USER['username']}"


def _replace_answer(monkeypatch: pytest.MonkeyPatch, services: Services, answer: Answer) -> None:
    monkeypatch.setattr(services.questions, "ask", lambda question, *args: answer)


async def test_private_text_is_answered_as_a_question(send: Send, answerer: Answerer) -> None:
    replies = await send(CAMPAIGN_DATES)
    expected = escape(answerer.answer(CAMPAIGN_DATES, NOW).text)
    assert replies
    assert all(reply.params["parse_mode"] == "HTML" for reply in replies)
    assert "\n".join(reply.params["text"] for reply in replies) == expected


async def test_a_question_costs_one_request(send: Send, bot_api: FakeBotAPI) -> None:
    before = len(bot_api.calls)
    await send(CAMPAIGN_DATES)
    assert [call.method for call in bot_api.calls[before:]] == ["sendMessage"]


async def test_answer_text_from_the_store_is_escaped(
    send: Send, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _replace_answer(monkeypatch, services, Answer("a <b> & c", intent="test"))
    [reply] = await send("问题")
    assert reply.params["text"] == "a &lt;b&gt; &amp; c"


async def test_group_message_without_mention_gets_no_reply(
    send: Send, bot_api: FakeBotAPI
) -> None:
    before = len(bot_api.calls)
    assert await send(CAMPAIGN_DATES, chat_type="group") == []
    assert await send(CAMPAIGN_DATES, chat_type="supergroup") == []
    assert bot_api.calls[before:] == []


async def test_group_message_mentioning_the_bot_is_answered(
    send: Send, answerer: Answerer
) -> None:
    replies = await send(f"{MENTION} {CAMPAIGN_DATES}", chat_type="supergroup")
    assert replies
    assert replies[0].params["chat_id"] == GROUP_ID
    assert "message_id" in replies[0].params["reply_parameters"]
    expected = escape(answerer.answer(CAMPAIGN_DATES, NOW).text)
    assert "\n".join(reply.params["text"] for reply in replies) == expected


async def test_group_mention_of_someone_else_is_ignored(send: Send) -> None:
    assert await send(f"@someone_else {CAMPAIGN_DATES}", chat_type="group") == []


async def test_group_reply_to_the_bot_is_answered(send: Send) -> None:
    bot_message = {
        "message_id": 7,
        "date": int(NOW.timestamp()),
        "chat": {"id": GROUP_ID, "type": "group", "title": "群"},
        "from": BOT_USER,
        "text": "之前的回答",
    }
    assert await send(CAMPAIGN_DATES, chat_type="group", reply_to=bot_message)


@pytest.mark.parametrize("command", ["/ask", f"/ask{MENTION}"])
async def test_ask_command_in_group(send: Send, answerer: Answerer, command: str) -> None:
    replies = await send(f"{command} {CAMPAIGN_DATES}", chat_type="group")
    expected = escape(answerer.answer(CAMPAIGN_DATES, NOW).text)
    assert "\n".join(reply.params["text"] for reply in replies) == expected


async def test_ask_without_a_question_explains_usage(send: Send) -> None:
    [reply] = await send("/ask")
    assert reply.params["text"] == messages.ASK_USAGE


async def test_long_answer_is_split_under_the_limit(
    send: Send, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [f"第{n}行：<科普> & 活动 " + "测" * 60 for n in range(150)]
    text = "\n".join(lines)
    assert len(text) > 10_000
    _replace_answer(monkeypatch, services, Answer(text, intent="test"))
    replies = await send("很长的问题")
    assert len(replies) >= 3
    assert all(len(reply.params["text"]) <= MAX_MESSAGE_CHARS for reply in replies)
    delivered = "\n".join(html.unescape(reply.params["text"]) for reply in replies)
    assert delivered == text


async def test_suggestions_are_buttons_that_ask(
    app: Application,
    send: Send,
    services: Services,
    bot_api: FakeBotAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long_question = "请问重庆市全国科普日期间各区县的科技馆开放时间是怎样安排的"
    suggestions = ("主题是什么", long_question)
    _replace_answer(monkeypatch, services, Answer("答案", intent="test", suggestions=suggestions))
    [reply] = await send("问题")
    buttons = [row[0] for row in reply.params["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == list(suggestions)
    assert buttons[0]["callback_data"] == ASK_TEXT_PREFIX + "主题是什么"
    assert buttons[1]["callback_data"].startswith(ASK_KEY_PREFIX)
    assert all(len(b["callback_data"].encode()) <= MAX_CALLBACK_BYTES for b in buttons)

    asked: list[str] = []

    def ask(question: str, *args: object) -> Answer:
        asked.append(question)
        return Answer(f"关于{question}", intent="test")

    monkeypatch.setattr(services.questions, "ask", ask)
    before = len(bot_api.calls)
    press = make_callback(buttons[1]["callback_data"], bot=app.bot, when=NOW, message=reply.result)
    await app.process_update(press)
    assert asked == [long_question]
    methods = [call.method for call in bot_api.calls[before:]]
    assert methods == ["answerCallbackQuery", "sendMessage"]
    sent = bot_api.calls[-1].params["text"]
    assert sent == f"<b>问：{long_question}</b>\n关于{long_question}"


async def test_unknown_button_says_it_expired(
    app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    message = {"message_id": 3, "date": 0, "chat": {"id": 42, "type": "private"}}
    press = make_callback(ASK_KEY_PREFIX + "0" * 16, bot=app.bot, when=NOW, message=message)
    await app.process_update(press)
    [call] = [c for c in bot_api.calls if c.method == "answerCallbackQuery"]
    assert call.params["text"] == messages.BUTTON_EXPIRED
    assert bot_api.sent_messages == []


async def test_fallback_questions_are_recorded(
    send: Send, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    fallback = Answer("暂时无法回答。", intent="fallback")
    monkeypatch.setattr(services.answerer, "answer", lambda question, now: fallback)
    await send("火星上有科普日吗")
    [row] = services.questions.unanswered()
    assert (row.text, row.count) == ("火星上有科普日吗", 1)
