from __future__ import annotations

from bot import messages
from tests.conftest import Send
from tests.helpers.updates import USER_ID


async def test_start_welcomes_in_chinese_html(send: Send) -> None:
    [reply] = await send("/start")
    assert reply.params["chat_id"] == USER_ID
    assert reply.params["parse_mode"] == "HTML"
    assert "全国科普日" in reply.params["text"]
    assert "/ask" in reply.params["text"]


async def test_help_explains_usage(send: Send) -> None:
    [reply] = await send("/help")
    assert reply.params["text"] == messages.HELP.format(hashtag="#千万IP创科普#")  # from the store
    assert reply.params["parse_mode"] == "HTML"


async def test_initialize_only_calls_get_me(app: object, bot_api: object) -> None:
    assert [call.method for call in bot_api.calls] == ["getMe"]  # type: ignore[attr-defined]


async def test_an_unknown_command_points_to_help(send: Send) -> None:
    [reply] = await send("/nosuchcommand")
    assert reply.params["text"] == messages.UNKNOWN_COMMAND
