"""Plain questions are answered at least once across a crash, effects at most once: a question
whose reply may not have gone out is claimed again by the next process; a submission or a
command with an effect is not. Suggestion-button presses count for flood control."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select
from telegram import Update
from telegram.ext import Application, CallbackContext

from bot import messages
from bot.flood import SharedFloodGate
from bot.services import Services
from bot.store.models import ProcessedUpdate
from bot.telegram.local_api import FakeBotAPI
from handlers.telegram import guards
from handlers.telegram.replies import ASK_TEXT_PREFIX
from tests.conftest import NOW
from tests.helpers.updates import make_callback, make_message


def rows(services: Services) -> dict[int, ProcessedUpdate]:
    services.writer.flush()
    with Session(services.engine) as session:
        return {row.update_id: row for row in session.exec(select(ProcessedUpdate))}


async def take_in(services: Services, update: Update) -> None:
    assert await services.intake.receive(update.update_id, json.dumps(update.to_dict()))


async def test_an_answered_question_is_not_answered_again(
    app: Application, services: Services
) -> None:
    question = make_message("科普日什么时候开始", bot=app.bot, when=NOW, user_id=31)
    await take_in(services, question)
    await app.process_update(question)
    row = rows(services)[question.update_id]
    assert row.started_at is not None and not row.answer_due and row.payload is None


async def test_a_question_cut_off_by_a_crash_is_claimed_again_and_an_effect_is_not(
    app: Application, services: Services
) -> None:
    question = make_message("主题是什么", bot=app.bot, when=NOW, user_id=32)
    link = make_message(
        "https://www.bilibili.com/video/BV1xx411c7mD", bot=app.bot, when=NOW, user_id=33
    )
    command = make_message("/subscribe", bot=app.bot, when=NOW, user_id=34)
    for update in (question, link, command):
        await take_in(services, update)
        # The handling starts (intake), then the process dies before the handler replies.
        await guards.admit(update, CallbackContext.from_update(update, app))
    kept = rows(services)
    assert kept[question.update_id].answer_due and kept[question.update_id].payload
    assert not kept[link.update_id].answer_due and kept[link.update_id].payload is None
    assert not kept[command.update_id].answer_due
    assert await services.intake.orphans(timedelta(seconds=30)) == []  # its process may live
    payloads = await services.intake.orphans(timedelta(seconds=-1))  # now it is gone
    assert [json.loads(p)["update_id"] for p in payloads] == [question.update_id]


async def test_suggestion_button_presses_count_for_flood_control(
    app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    services.shared_flood = SharedFloodGate(services.writer, 5, timedelta(seconds=60))
    message = {"message_id": 3, "date": 0, "chat": {"id": 41, "type": "private"}}
    for _ in range(12):
        press = make_callback(
            ASK_TEXT_PREFIX + "主题是什么", bot=app.bot, when=NOW, message=message, user_id=41
        )
        await app.process_update(press)
    answers = [c for c in bot_api.calls if c.method == "sendMessage"]
    notices = [
        c
        for c in bot_api.calls
        if c.method == "answerCallbackQuery" and c.params.get("text") == messages.FLOOD_NOTICE
    ]
    assert len(answers) == 5 and len(notices) == 1


async def test_the_next_process_answers_a_claimed_question_once(
    app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    question = make_message("主题是什么", bot=app.bot, when=NOW, user_id=35)
    await take_in(services, question)
    await guards.admit(question, CallbackContext.from_update(question, app))  # then it died
    [payload] = await services.intake.orphans(timedelta(seconds=-1))
    claimed = Update.de_json(json.loads(payload), app.bot)
    await app.process_update(claimed)
    await app.process_update(claimed)  # the same update again: it stops at the intake
    replies = [c for c in bot_api.calls if c.method == "sendMessage"]
    assert [c.params["chat_id"] for c in replies] == [35]
    assert "主题" in replies[0].params["text"]
    row = rows(services)[question.update_id]
    assert row.reclaimed and row.resent and not row.answer_due and row.payload is None
    assert await services.intake.orphans(timedelta(seconds=-1)) == []  # never claimed again


async def test_a_step_of_a_flow_is_never_answered_again_as_a_question(
    app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    """The title typed in /submit's guided steps reads like a question to the handlers after
    the flows, but the flow takes it: once handled it is not claimed back as unanswered."""
    link = make_message(
        "https://www.bilibili.com/video/BV1xx411c7mD", bot=app.bot, when=NOW, user_id=36
    )
    title = make_message("黑洞是怎样形成的", bot=app.bot, when=NOW, user_id=36)
    for update in (link, title):
        await take_in(services, update)
        await app.process_update(update)
    kept = rows(services)
    assert not kept[link.update_id].answer_due and not kept[title.update_id].answer_due
    assert await services.intake.orphans(timedelta(seconds=-1)) == []
    texts = [c.params["text"] for c in bot_api.calls if c.method == "sendMessage"]
    assert not any("黑洞是怎样形成的" in text and "问：" in text for text in texts)
