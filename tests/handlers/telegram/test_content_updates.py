"""An organizer sends a .yaml/.csv file: preview, confirm, and the next answer uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.ext import Application

from bot import messages
from bot.organizers.content_updates import find_events
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from content.answers import Answerer
from tests.conftest import NOW, TZ, Send
from tests.helpers.updates import USER_ID, make_callback, make_upload

EVENTS = """\
events:
  - id: ev-org-1
    title: 机器人科普体验营
    start: 2024-09-18T14:00:00+08:00
    venue: 重庆科技馆
    district: 渝中区
"""


async def upload(app: Application, bot_api: FakeBotAPI, name: str, content: bytes) -> str:
    bot_api.files[name] = content
    document = {"file_id": name, "file_unique_id": name, "file_name": name, "file_size": 10}
    await app.process_update(make_upload(bot=app.bot, when=NOW, document=document))
    return str(bot_api.sent_messages[-1].params["text"])


async def press(app: Application, bot_api: FakeBotAPI) -> str:
    message = bot_api.sent_messages[-1].result
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await app.process_update(make_callback(data, bot=app.bot, when=NOW, message=message))
    return str(bot_api.calls[-1].params.get("text", ""))


async def test_a_file_is_previewed_then_applied(
    app: Application,
    services: Services,
    bot_api: FakeBotAPI,
    send: Send,
    jieba_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The app shares a warmed-up answerer over the template store; this test asks its own.
    answerer = Answerer(services.engine, tz=TZ, cache_dir=jieba_cache)
    reloads: list[int] = []

    def reload() -> None:  # what the bot does to its own answerer
        reloads.append(1)
        answerer.reload()

    monkeypatch.setattr(services.questions, "reload", reload)
    services.people.grant(USER_ID, by=1)
    preview = await upload(app, bot_api, "events.yaml", EVENTS.encode())
    assert "活动：新增 1，更新 0，不变 0" in preview
    assert find_events(services.engine, "ev-org-1") == []  # nothing written yet
    applied = await press(app, bot_api)
    assert "已导入" in applied and reloads == [1]
    assert "重庆科技馆" in answerer.answer("机器人科普体验营在哪里", NOW).text

    reply, shown = await send("/event ev-org-1 venue=重庆自然博物馆")
    assert "已修改" in reply.params["text"] and reloads == [1, 1]
    assert "venue: 重庆自然博物馆" in shown.params["text"]
    assert "重庆自然博物馆" in answerer.answer("机器人科普体验营在哪里", NOW).text
    [shown] = await send("/event 机器人")
    assert "ev-org-1" in shown.params["text"]


async def test_a_bad_file_is_rejected_with_every_problem(
    app: Application, services: Services, bot_api: FakeBotAPI
) -> None:
    services.people.grant(USER_ID, by=1)
    bad = "events:\n  - title: 缺少时间\n  - title: 坏时间\n    start: 9月18日\n"
    reply = await upload(app, bot_api, "bad.yaml", bad.encode())
    assert "2 个问题" in reply and "整个文件都不会导入" in reply
    assert "reply_markup" not in bot_api.sent_messages[-1].params


async def test_non_organizers_cannot_import(
    app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    reply = await upload(app, bot_api, "events.yaml", EVENTS.encode())
    assert "只对活动组织者开放" in reply
    assert services.flows.active(USER_ID, USER_ID) == {}  # nothing kept to apply


async def test_a_file_previewed_on_one_process_is_applied_on_another(
    app: Application, bot_api: FakeBotAPI, services: Services, other_app: Application
) -> None:
    services.people.grant(USER_ID, by=1)
    await upload(app, bot_api, "events.yaml", EVENTS.encode())
    other = other_app
    message = bot_api.sent_messages[-1].result
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await other.process_update(make_callback(data, bot=other.bot, when=NOW, message=message))
    assert "已导入" in str(bot_api.calls[-1].params.get("text", ""))
    assert [event.id for event in find_events(services.engine, "ev-org-1")] == ["ev-org-1"]
    await other.process_update(make_callback(data, bot=other.bot, when=NOW, message=message))
    assert bot_api.calls[-1].params.get("text") == messages.IMPORT_EXPIRED
