"""Multi-step flows over real webhook processes on one store: /submit and /broadcast whose
steps alternate between two `kepubot run --webhook-url …` processes (a load balancer), one
process restarted mid-flow, and a flood spread over both.

Two processes need a store they can share: PostgreSQL (KEPUBOT_TEST_DATABASE_URL, the
PostgreSQL pass of CI). On SQLite the same flows run through one process restarted mid-flow.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from bot import messages
from bot.clock import system_clock
from bot.outreach.subscriptions import Subscriptions
from bot.store.models import Broadcast, Submission
from bot.telegram.local_api import FakeBotAPI
from content.db import create_db_engine
from handlers.telegram import broadcast
from tests.conftest import TZ
from tests.helpers.ports import free_port

TOKEN = "4545:E2E-flows-token-that-must-not-be-logged"
SECRET = "kepubot-e2e-flows-secret"
PATH = "/tg/hook"
ORGANIZER, CREATOR, FLOODER = 7001, 7002, 7003
SUBSCRIBERS = (501, 502, 503)
XIGUA = "https://www.ixigua.com/7412345678901234567"
FLOOD_LIMIT = 5
SHARED_STORE = bool(os.environ.get("KEPUBOT_TEST_DATABASE_URL"))


class Bot:
    """One `kepubot run --webhook-url` process on its own port (restartable on that port)."""

    def __init__(self, base_url: str, db_url: str, cwd: Path, cache: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "KEPUBOT_TELEGRAM_BASE_URL": base_url,
            "KEPUBOT_DATABASE_URL": db_url,
            "KEPUBOT_JIEBA_CACHE_DIR": str(cache),
            "KEPUBOT_WEBHOOK_SECRET": SECRET,
            "KEPUBOT_WEBHOOK_PORT": str(self.port),
            "KEPUBOT_ADMIN_IDS": str(ORGANIZER),
            "KEPUBOT_FLOOD_MESSAGES": str(FLOOD_LIMIT),
            "KEPUBOT_FLOOD_SECONDS": "86400",  # one window for the whole test
            "KEPUBOT_BROADCAST_RATE": "25",
            "KEPUBOT_SCHEDULER_ENABLED": "false",  # no digests or reports: this test's only
        }
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        url = f"http://127.0.0.1:{self.port}{PATH}"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("kepubot")), "run", "--webhook-url", url],
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else b""
                raise AssertionError(f"the bot exited:\n{output.decode()[-3000:]}")
            try:
                health = httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                if health.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("the webhook server did not come up")

    def stop(self) -> str:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, output.decode()[-3000:]
        return output.decode("utf-8", "replace")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def post(self, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        url = f"http://127.0.0.1:{self.port}{PATH}"
        assert httpx.post(url, json=update, headers=headers, timeout=10).status_code == 200


@pytest.fixture
def bots(bot_api_url: str, db_url: str, tmp_path: Path, jieba_cache: Path) -> Iterator[list[Bot]]:
    count = 2 if SHARED_STORE else 1
    # One Bot API for every process.
    started = [Bot(bot_api_url, db_url, tmp_path, jieba_cache) for _ in range(count)]
    for bot in started:
        bot.start()
    yield started
    for bot in started:
        bot.kill()


def _markup(message: dict[str, Any]) -> dict[str, Any]:
    markup = message.get("reply_markup") or {}
    return json.loads(markup) if isinstance(markup, str) else markup


def _data(message: dict[str, Any], label: str) -> str:
    for row in _markup(message).get("inline_keyboard", []):
        for button in row:
            if label in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} under {message!r}")


class Chat:
    """One user's side of the chat: every step waits for the bot's answer to the last one."""

    def __init__(self, api: FakeBotAPI, user_id: int) -> None:
        self.api = api
        self.user_id = user_id

    def _mine(self) -> list[dict[str, Any]]:
        return [m for m in self.api.sent if int(m["chat_id"]) == self.user_id]

    def _edits(self) -> list[dict[str, Any]]:
        return [m for m in self.api.edits if int(m.get("chat_id") or 0) == self.user_id]

    def send(self, bot: Bot, text: str, replies: int = 1) -> list[dict[str, Any]]:
        before = len(self._mine())
        bot.post(self.api.make_update(text, user_id=self.user_id))
        self.api.wait_for(lambda: len(self._mine()) >= before + replies)
        return self._mine()[before:]

    def press(
        self, bot: Bot, message: dict[str, Any], data: str, *, sends: int = 0, edits: int = 1
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        sent, edited = len(self._mine()), len(self._edits())
        bot.post(self.api.make_press(message, data, user_id=self.user_id))
        self.api.wait_for(
            lambda: len(self._mine()) >= sent + sends and len(self._edits()) >= edited + edits
        )
        return self._mine()[sent:], self._edits()[edited:]


@pytest.mark.slow
def test_flows_alternate_processes_and_survive_a_restart(
    api: FakeBotAPI, bots: list[Bot], db_url: str
) -> None:
    engine = create_db_engine(db_url)
    subscriptions = Subscriptions(engine, system_clock(TZ))
    for user_id in SUBSCRIBERS:
        subscriptions.subscribe(user_id)
    first, second = bots[0], bots[-1]
    organizer, creator = Chat(api, ORGANIZER), Chat(api, CREATOR)

    # Step 1 of each flow on the first process, step 2 on the second.
    [start] = organizer.send(first, "/broadcast")
    assert start["text"] == messages.BROADCAST_START
    [_summary, ask_title] = creator.send(first, f"/submit {XIGUA}", replies=2)
    assert "没能读到这个视频的标题" in ask_title["text"]
    *_preview, choose = organizer.send(second, "科普日开幕，欢迎参加！", replies=3)
    assert choose["text"] == messages.BROADCAST_CHOOSE_AUDIENCE

    # The first process restarts mid-flow: both drafts are in the store, not in it.
    first.stop()
    first.start()

    [ask_category] = creator.send(first, "猫为什么怕黄瓜")
    assert ask_category["text"] == messages.ASK_CATEGORY
    organizer.press(first, choose, broadcast.AUDIENCE + "all")
    _, [ask_time] = organizer.press(second, choose, broadcast.NOW)
    assert "共 <b>3</b> 人" in ask_time["text"]
    [ask_creator] = creator.press(second, ask_category, _data(ask_category, "航天"), sends=1)[0]
    assert ask_creator["text"] == messages.ASK_CREATOR
    [done] = creator.send(first, "重庆市科协")
    assert done["text"].startswith("🎉 提交完成！1 个视频已保存")
    organizer.press(first, ask_time, broadcast.CONFIRM)
    organizer.press(second, ask_time, broadcast.CONFIRM, edits=0)  # a second press: no effect

    api.wait_for(lambda: {int(m["chat_id"]) for m in api.sent} >= set(SUBSCRIBERS))
    time.sleep(1.0)  # time for a second broadcast or submission to show up
    delivered = [int(m["chat_id"]) for m in api.sent if int(m["chat_id"]) in SUBSCRIBERS]
    assert sorted(delivered) == sorted(SUBSCRIBERS)  # each subscriber once
    with Session(engine) as session:
        [submission] = session.exec(select(Submission)).all()
        [announcement] = session.exec(select(Broadcast).where(Broadcast.kind == "broadcast")).all()
    assert (submission.title, submission.category, submission.creator_name) == (
        "猫为什么怕黄瓜",
        "航天",
        "重庆市科协",
    )
    assert announcement.created_by == ORGANIZER
    engine.dispose()


def test_a_flood_spread_over_the_processes_is_cut_at_one_limit(
    api: FakeBotAPI, bots: list[Bot]
) -> None:
    flooder = Chat(api, FLOODER)
    for number in range(3 * FLOOD_LIMIT):
        bots[number % len(bots)].post(api.make_update("科普日什么时候开始", user_id=FLOODER))
    api.wait_for(lambda: len(flooder._mine()) >= FLOOD_LIMIT + 1)
    time.sleep(1.5)  # time for answers over the limit to show up
    texts = [m["text"] for m in flooder._mine()]
    assert texts.count(messages.FLOOD_NOTICE) == 1
    assert len(texts) == FLOOD_LIMIT + 1
