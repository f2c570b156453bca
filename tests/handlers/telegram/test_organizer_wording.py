"""What organizers see is Chinese wording from bot.messages: /stats, /revoke, imports and the
broadcast steps, through the real Application and the fake Bot API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.store.models import Submission
from bot.telegram.local_api import FakeBotAPI
from content.db import session_scope
from handlers.telegram import broadcast
from tests.conftest import NOW, TEST_TOKEN, Send
from tests.helpers.updates import USER_ID, make_callback, make_upload
from tests.helpers.wording import untranslated, untranslated_in

CONFIGURED_ADMIN = 9001


@pytest.fixture
def settings(db_url: str, jieba_cache: Path) -> Settings:
    return load_settings(
        database_url=db_url,
        telegram_token=TEST_TOKEN,
        jieba_cache_dir=jieba_cache,
        flood_messages=0,
        admin_ids=f"{USER_ID},{CONFIGURED_ADMIN}",
    )


def test_no_template_has_an_untranslated_word() -> None:
    def texts(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        if isinstance(value, tuple | list):
            return [t for v in value for t in texts(v)]
        return []

    found = {
        name: words
        for name in dir(messages)
        if name.isupper() and name != "COMMANDS"  # COMMANDS holds the command names
        for text in texts(getattr(messages, name))
        if (words := untranslated(re.sub(r"\{[a-z_]+\}", "", text)))
    }
    assert found == {}


async def press(app: Application, bot_api: FakeBotAPI, data: str) -> list[Any]:
    """Press a button under the bot's last message; returns the calls it made."""
    message = next(c.result for c in reversed(bot_api.calls) if isinstance(c.result, dict))
    before = len(bot_api.calls)
    await app.process_update(make_callback(data, bot=app.bot, when=NOW, message=message))
    return bot_api.calls[before:]


async def test_revoking_a_configured_admin_is_explained_in_chinese(send: Send) -> None:
    [reply] = await send(f"/revoke {CONFIGURED_ADMIN}")
    text = reply.params["text"]
    assert text.startswith(f"不能取消用户 {CONFIGURED_ADMIN}") and "服务器配置" in text
    assert untranslated(text) == []


async def test_stats_label_every_figure_in_chinese(
    send: Send, services: Services, app: Application, bot_api: FakeBotAPI
) -> None:
    services.subscriptions.subscribe(501)
    await send("科普日什么时候开始")
    await send("今年的主题是什么")
    await send("今天食堂吃什么")
    with session_scope(services.engine) as session:
        for video, status in (("1", "approved"), ("2", "pending")):
            session.add(
                Submission(
                    canonical_url=f"https://www.douyin.com/video/{video}",
                    platform="抖音",
                    video_id=video,
                    submitted_url=f"https://www.douyin.com/video/{video}",
                    creator_id=7,
                    source_message=f"7:{video}",
                    status=status,
                    submitted_at=NOW,
                )
            )
    await send("/broadcast 测试公告")
    await press(app, bot_api, broadcast.AUDIENCE + "all")
    await press(app, bot_api, broadcast.NOW)
    await press(app, bot_api, broadcast.CONFIRM)
    await services.dispatcher.run_until_idle()

    replies = await send("/stats")
    text = "".join(r.params["text"] for r in replies)
    assert "最多的问题类型：" in text and "活动时间 1" in text and "主题 1" in text
    assert "未能回答 1" in text and "/unanswered" in text  # a command organizers have in chat
    assert "按状态：已通过 1，待审核 1" in text and "已完成：送达 1/1" in text
    for internal in ("dates", "theme", "approved", "pending", "done", "fallback"):
        assert internal not in text
    assert untranslated(text) == []


async def test_an_import_preview_counts_in_chinese(app: Application, bot_api: FakeBotAPI) -> None:
    before = len(bot_api.calls)
    events = "events:\n  - id: w-1\n    title: 科普讲座\n    start: 2024-09-18T14:00\n"
    bot_api.files["w.yaml"] = events.encode()
    document = {"file_id": "w.yaml", "file_unique_id": "w", "file_name": "w.yaml", "file_size": 9}
    await app.process_update(make_upload(bot=app.bot, when=NOW, document=document))
    preview = bot_api.sent_messages[-1].params["text"]
    assert "活动：新增 1，更新 0，不变 0" in preview
    await press(app, bot_api, "imp:apply:" + _import_key(bot_api))
    applied = bot_api.calls_to("editMessageText")[-1].params["text"]
    assert applied.startswith("✅ 已导入：活动：新增 1")
    assert untranslated_in(bot_api, before) == {}


def _import_key(bot_api: FakeBotAPI) -> str:
    markup = bot_api.sent_messages[-1].params["reply_markup"]
    return str(markup["inline_keyboard"][0][0]["callback_data"]).removeprefix("imp:apply:")


async def test_broadcast_text_after_the_command_goes_to_the_audience_step(
    send: Send, services: Services, app: Application, bot_api: FakeBotAPI
) -> None:
    for chat in (501, 502):
        services.subscriptions.subscribe(chat)
    replies = await send("/broadcast 测试公告")
    texts = [r.params["text"] for r in replies]
    assert texts == [messages.BROADCAST_PREVIEW_HEADER, "测试公告", "发给谁？"]

    calls = await press(app, bot_api, broadcast.AUDIENCE + "all")
    [ask_time] = [c.params["text"] for c in calls if c.method == "editMessageText"]
    example = re.search(r"<code>(\d{4}-\d\d-\d\d \d\d:\d\d)</code>", ask_time)
    assert example is not None and example[1] == "2024-09-11 09:00"  # the day after NOW

    calls = await press(app, bot_api, broadcast.NOW)
    [confirm] = [c for c in calls if c.method == "editMessageText"]
    assert "确认群发？" in confirm.params["text"]
    confirm_id = confirm.result["message_id"]

    before = len(bot_api.calls)
    calls = await press(app, bot_api, broadcast.CONFIRM)
    assert [c.method for c in calls if c.method == "sendMessage"] == []  # no new message
    [decided] = [c for c in calls if c.method == "editMessageText"]
    assert int(decided.params["message_id"]) == confirm_id
    assert "已确认群发" in decided.params["text"] and "共 2 人" in decided.params["text"]
    assert "确认群发？" not in decided.params["text"]

    await services.dispatcher.run_until_idle()
    progress = [c for c in bot_api.calls_to("editMessageText") if "群发 #" in c.params["text"]]
    assert progress and {int(c.params["message_id"]) for c in progress} == {confirm_id}
    assert "已完成" in progress[-1].params["text"] and "已确认群发" in progress[-1].params["text"]
    assert sorted(int(c.params["chat_id"]) for c in bot_api.sent_messages[-2:]) == [501, 502]
    assert untranslated_in(bot_api, before) == {}

    [listing] = await send("/broadcasts")
    assert "已完成" in listing.params["text"] and untranslated(listing.params["text"]) == []
