"""Multi-step flows whose steps land on different processes (two Applications on one store,
nothing shared in memory): each step goes on where the last one left off."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select
from telegram import Update
from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.store.models import Submission
from bot.telegram.local_api import FakeBotAPI
from handlers.telegram import broadcast
from tests.conftest import NOW
from tests.helpers.updates import USER_ID, button_data, make_callback, make_message

XIGUA = "https://www.ixigua.com/7412345678901234567"


class Processes:
    """Sends each update to the next Application in turn (a round-robin load balancer)."""

    def __init__(self, bot_api: FakeBotAPI, *apps: Application) -> None:
        self.bot_api = bot_api
        self.apps = apps
        self.turn = 0

    async def _next(self, make: Any) -> list[Any]:
        app = self.apps[self.turn % len(self.apps)]
        self.turn += 1
        before = len(self.bot_api.calls)
        update: Update = make(app)
        await app.process_update(update)
        return self.bot_api.calls[before:]

    async def send(self, text: str) -> list[Any]:
        return await self._next(lambda app: make_message(text, bot=app.bot, when=NOW))

    async def press(self, label: str | None = None, data: str | None = None) -> list[Any]:
        message = next(
            c.result for c in reversed(self.bot_api.calls) if "reply_markup" in c.result
        )
        data = data or button_data(message, label or "")
        return await self._next(
            lambda app: make_callback(data, bot=app.bot, when=NOW, message=message)
        )


def _texts(calls: list[Any]) -> list[str]:
    return [
        c.params.get("text", "") for c in calls if c.method in ("sendMessage", "editMessageText")
    ]


async def test_a_submission_flow_alternating_processes_finishes_once(
    app: Application, other_app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    processes = Processes(bot_api, app, other_app)
    [summary, ask_title] = _texts(await processes.send(f"/submit {XIGUA}"))
    assert "✅ 已识别：西瓜视频" in summary and "没能读到这个视频的标题" in ask_title
    assert _texts(await processes.send("猫为什么怕黄瓜")) == [messages.ASK_CATEGORY]
    calls = await processes.press("航天")
    assert _texts(calls) == [
        messages.CATEGORY_CHOSEN.format(category="航天"),
        messages.ASK_CREATOR,
    ]
    [done] = _texts(await processes.send("重庆市科协"))
    assert done.startswith("🎉 提交完成！1 个视频已保存")
    with Session(services.engine) as session:
        [row] = session.exec(select(Submission)).all()
    assert (row.title, row.category, row.creator_name) == ("猫为什么怕黄瓜", "航天", "重庆市科协")
    assert services.flows.get(USER_ID, USER_ID, "submit") is None  # the flow has ended


async def test_a_broadcast_composed_on_two_processes_is_sent_once(
    app: Application, other_app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    services.people.grant(USER_ID, by=1)
    for user_id in (501, 502):
        services.subscriptions.subscribe(user_id)
    processes = Processes(bot_api, app, other_app)
    assert _texts(await processes.send("/broadcast")) == [messages.BROADCAST_START]
    await processes.send("科普日开幕！")
    await processes.press(data=broadcast.AUDIENCE + "all")
    calls = await processes.press(data=broadcast.NOW)
    assert any("共 <b>2</b> 人" in text for text in _texts(calls))
    confirm = next(c.result for c in reversed(bot_api.calls) if "reply_markup" in c.result)
    await processes.press(data=broadcast.CONFIRM)
    # The same confirmation pressed again, on the other process: the draft is gone.
    before = len(bot_api.calls)
    await processes._next(
        lambda app: make_callback(broadcast.CONFIRM, bot=app.bot, when=NOW, message=confirm)
    )
    answers = [
        c.params.get("text") for c in bot_api.calls[before:] if c.method == "answerCallbackQuery"
    ]
    assert messages.BROADCAST_QUEUED not in answers
    [info] = services.outbox.recent()
    assert info.figures.total == 2
