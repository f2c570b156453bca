"""/subscribe with district and topic buttons, /unsubscribe."""

from __future__ import annotations

from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from handlers.telegram import subscribe
from tests.conftest import NOW, Send
from tests.helpers.updates import USER_ID, make_callback


async def press(app: Application, bot_api: FakeBotAPI, data: str) -> str:
    message = next(c.result for c in reversed(bot_api.calls) if isinstance(c.result, dict))
    await app.process_update(make_callback(data, bot=app.bot, when=NOW, message=message))
    return str(bot_api.calls[-1].params.get("text", ""))


async def test_subscribe_choose_district_and_topics(
    app: Application, send: Send, services: Services, bot_api: FakeBotAPI
) -> None:
    [reply] = await send("/subscribe")
    assert "已订阅" in reply.params["text"] and "09:00" in reply.params["text"]
    await press(app, bot_api, subscribe.DISTRICTS)
    text = await press(app, bot_api, subscribe.DISTRICT + "渝中区")
    assert "渝中区" in text
    await press(app, bot_api, subscribe.TOPIC + "creators")
    info = services.subscriptions.get(USER_ID)
    assert info is not None and info.district == "渝中区"
    assert info.topics == ("public", "creators")
    assert services.subscriptions.audience("creators") == [USER_ID]
    assert services.subscriptions.audience("district:渝中区") == [USER_ID]


async def test_unsubscribe(send: Send, services: Services) -> None:
    [reply] = await send("/unsubscribe")
    assert reply.params["text"] == messages.NOT_SUBSCRIBED
    await send("/subscribe")
    [reply] = await send("/unsubscribe")
    assert reply.params["text"] == messages.UNSUBSCRIBED
    assert services.subscriptions.audience("all") == []


async def test_blocked_users_are_not_in_any_audience(send: Send, services: Services) -> None:
    await send("/subscribe")
    services.people.mark_blocked(USER_ID)
    assert services.subscriptions.audience("all") == []
