"""/settings: the digest time and district, shown and changed."""

from __future__ import annotations

from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from handlers.telegram import subscribe
from tests.conftest import NOW, Send
from tests.helpers.updates import USER_ID, make_callback


async def test_settings_shows_the_choices_with_time_buttons(
    send: Send, services: Services
) -> None:
    [reply] = await send("/settings")
    assert reply.params["text"] == messages.NOT_SUBSCRIBED
    services.subscriptions.subscribe(USER_ID)
    [reply] = await send("/settings")
    assert "每日提醒时间：09:00" in reply.params["text"]
    buttons = [
        b["callback_data"] for row in reply.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert "set:time:08:00" in buttons and subscribe.DISTRICTS in buttons


async def test_settings_changes_time_and_district(send: Send, services: Services) -> None:
    services.subscriptions.subscribe(USER_ID)
    [reply] = await send("/settings 8:30")
    assert "08:30" in reply.params["text"]
    [reply] = await send("/settings 渝中区")
    assert "渝中区" in reply.params["text"]
    info = services.subscriptions.get(USER_ID)
    assert info is not None and (info.digest_time, info.district) == ("08:30", "渝中区")
    [reply] = await send("/settings 火星")
    assert reply.params["text"] == messages.SETTINGS_BAD_VALUE.format(value="火星")
    [reply] = await send("/settings 25:00")
    assert "25:00" in reply.params["text"]
    assert services.subscriptions.get(USER_ID).digest_time == "08:30"  # type: ignore[union-attr]


async def test_a_time_button_sets_the_time(
    send: Send, app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    services.subscriptions.subscribe(USER_ID)
    [reply] = await send("/settings")
    press = make_callback("set:time:07:00", bot=app.bot, when=NOW, message=reply.result)
    await app.process_update(press)
    [edit] = bot_api.calls_to("editMessageText")
    assert "每日提醒时间：07:00" in edit.params["text"]
    assert services.subscriptions.get(USER_ID).digest_time == "07:00"  # type: ignore[union-attr]
