from __future__ import annotations

import pytest
from telegram import BotCommand
from telegram.error import BadRequest
from telegram.ext import Application

from bot import messages
from bot.telegram.local_api import FakeBotAPI


async def test_unexpected_method_fails_loudly(app: Application, bot_api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match=r"(?i)no method 'sendpoll'"):
        await app.bot.send_poll(42, "问题", ["是", "否"])
    assert [call.method for call in bot_api.unexpected] == ["sendPoll"]
    with pytest.raises(AssertionError, match="sendPoll"):
        bot_api.check()
    bot_api.unexpected.clear()


async def test_post_init_registers_chinese_command_menu(
    app: Application, bot_api: FakeBotAPI
) -> None:
    assert app.post_init is not None
    await app.post_init(app)
    [call] = bot_api.calls_to("setMyCommands")
    assert call.params["commands"] == [
        {"command": command, "description": description}
        for command, description in messages.COMMANDS
    ]
    assert await app.bot.get_my_commands() == tuple(
        BotCommand(command, description) for command, description in messages.COMMANDS
    )


async def test_records_parameters_and_results(app: Application, bot_api: FakeBotAPI) -> None:
    sent = await app.bot.send_message(42, "<b>你好</b>", parse_mode="HTML")
    await app.bot.edit_message_text("改过了", chat_id=42, message_id=sent.message_id)
    await app.bot.send_document(42, b"events: []\n", filename="export.yaml", caption="导出")
    await app.bot.send_chat_action(42, "typing")
    await app.bot.answer_callback_query("1")
    assert [c.method for c in bot_api.calls[1:]] == [
        "sendMessage",
        "editMessageText",
        "sendDocument",
        "sendChatAction",
        "answerCallbackQuery",
    ]
    assert bot_api.sent_messages[0].params == {
        "chat_id": 42,
        "text": "<b>你好</b>",
        "parse_mode": "HTML",
    }
    assert bot_api.calls_to("sendDocument")[0].params["caption"] == "导出"
    assert bot_api.calls_to("editMessageText")[0].result["message_id"] == sent.message_id
