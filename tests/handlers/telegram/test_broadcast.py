"""/broadcast through the real Application and the fake Bot API: compose, preview, confirm,
deliver through the outbox, watch progress, list and stop."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from handlers.telegram import broadcast
from tests.conftest import NOW, Send
from tests.helpers.updates import USER_ID, make_callback, make_upload

SUBSCRIBERS = [501, 502, 503, 504]


def subscribe_all(services: Services) -> None:
    for user_id in SUBSCRIBERS:
        services.subscriptions.subscribe(user_id)
    services.subscriptions.toggle_topic(503, "creators")
    services.subscriptions.set_district(504, "渝中区")


async def press(app: Application, bot_api: FakeBotAPI, data: str) -> list[Any]:
    """Press a button under the bot's last message; returns the calls it made."""
    message = next(c.result for c in reversed(bot_api.calls) if isinstance(c.result, dict))
    before = len(bot_api.calls)
    await app.process_update(make_callback(data, bot=app.bot, when=NOW, message=message))
    return bot_api.calls[before:]


def texts_to(bot_api: FakeBotAPI, chat_id: int) -> list[str]:
    return [c.params["text"] for c in bot_api.sent_messages if int(c.params["chat_id"]) == chat_id]


async def test_non_organizers_are_refused(send: Send, services: Services) -> None:
    [reply] = await send("/broadcast")
    assert reply.params["text"] == messages.ORGANIZERS_ONLY
    [reply] = await send("/broadcasts")
    assert reply.params["text"] == messages.ORGANIZERS_ONLY


async def test_an_organizer_announces_to_every_subscriber(
    app: Application, send: Send, services: Services, bot_api: FakeBotAPI
) -> None:
    services.people.grant(USER_ID, by=1)
    subscribe_all(services)
    bot_api.blocked_chats.add(502)

    await send("/broadcast")
    replies = await send("<b>9月15日</b> 科普日开幕！")
    assert replies[1].params["text"] == "<b>9月15日</b> 科普日开幕！"  # the preview
    await press(app, bot_api, broadcast.AUDIENCE + "all")
    calls = await press(app, bot_api, broadcast.NOW)
    [confirmation] = [c for c in calls if c.method == "editMessageText"]
    assert "共 <b>4</b> 人" in confirmation.params["text"]
    assert texts_to(bot_api, 501) == []  # nothing is sent before the confirmation

    await press(app, bot_api, broadcast.CONFIRM)
    await services.dispatcher.run_until_idle()

    for chat in (501, 503, 504):
        assert texts_to(bot_api, chat) == ["<b>9月15日</b> 科普日开幕！"]
    assert services.people.known_user(502) is None or services.people.known_user(502).blocked
    [info] = services.outbox.recent()
    assert (info.status, info.figures.sent, info.figures.blocked) == ("done", 3, 1)
    edits = [c for c in bot_api.calls_to("editMessageText") if "群发 #" in c.params["text"]]
    assert "已完成" in edits[-1].params["text"] and "██████████ 100%" in edits[-1].params["text"]

    [listing] = await send("/broadcasts")
    assert f"#{info.id}" in listing.params["text"] and "已发送 3/4" in listing.params["text"]
    assert await send("/broadcast") and len(services.outbox.recent()) == 1


async def test_broken_html_is_caught_before_the_preview(
    app: Application, send: Send, services: Services
) -> None:
    services.people.grant(USER_ID, by=1)
    await send("/broadcast")
    [reply] = await send("<b>开幕式 <i>9月15日</b>")
    assert "HTML 有问题" in reply.params["text"]
    assert "&lt;i&gt;" in reply.params["text"] or "<i>" not in reply.params["text"]


async def test_a_district_audience_and_a_send_time(
    app: Application, send: Send, services: Services, bot_api: FakeBotAPI, fake_time: Any
) -> None:
    services.people.grant(USER_ID, by=1)
    subscribe_all(services)
    await send("/broadcast")
    await send("渝中区的朋友们好")
    await press(app, bot_api, broadcast.DISTRICTS)
    await press(app, bot_api, broadcast.DISTRICT + "渝中区")
    [reply] = await send("9月15日 9:00")
    assert "共 <b>1</b> 人" in reply.params["text"] and "2024-09-15 09:00" in reply.params["text"]
    await press(app, bot_api, broadcast.CONFIRM)
    [info] = services.outbox.recent()
    assert info.status == "queued" and info.send_at is not None
    assert services.outbox.due(0, 10) == []  # not before its time


async def test_photo_with_a_long_caption_and_stop(
    app: Application, services: Services, bot_api: FakeBotAPI
) -> None:
    services.people.grant(USER_ID, by=1)
    subscribe_all(services)
    await app.process_update(make_message_command(app, "/broadcast"))
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 10, "height": 10}]
    await app.process_update(make_upload(bot=app.bot, when=NOW, photo=photo, caption="科普" * 600))
    assert bot_api.calls_to("sendPhoto")[-1].params["photo"] == "p1"
    await press(app, bot_api, broadcast.AUDIENCE + "creators")
    await press(app, bot_api, broadcast.NOW)
    await press(app, bot_api, broadcast.CONFIRM)
    [info] = services.outbox.recent()
    assert info.figures.total == 1
    calls = await press(app, bot_api, f"{broadcast.STOP}{info.id}")
    assert any("已停止" in str(c.params.get("text", "")) for c in calls)
    await services.dispatcher.run_until_idle()
    assert services.outbox.broadcast(info.id).figures.cancelled == 1  # type: ignore[union-attr]


def make_message_command(app: Application, text: str) -> Any:
    from tests.helpers.updates import make_message

    return make_message(text, bot=app.bot, when=NOW)
