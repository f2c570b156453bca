"""`kepubot run --webhook-url …` as its own process: updates posted over real HTTP with and
without the secret, a re-delivered update, /healthz, and SIGTERM in the middle of a broadcast."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.outreach.outbox import Outbox, text_parts
from bot.store.models import OutboxMessage
from bot.telegram.local_api import FakeBotAPI
from content.db import create_db_engine
from tests.helpers.dispatch_worker import _utc_now
from tests.helpers.ports import free_port

TOKEN = "4343:E2E-webhook-token-that-must-not-be-logged"
SECRET = "kepubot-e2e-secret_42"
PATH = "/tg/hook"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def start_bot(
    bot_api_url: str, db_url: str, tmp_path: Path, jieba_cache: Path, port: int
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def start(**extra_env: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "KEPUBOT_TELEGRAM_BASE_URL": bot_api_url,
            "KEPUBOT_DATABASE_URL": db_url,
            "KEPUBOT_JIEBA_CACHE_DIR": str(jieba_cache),
            "KEPUBOT_LOG_LEVEL": "DEBUG",
            "KEPUBOT_WEBHOOK_SECRET": SECRET,
            "KEPUBOT_WEBHOOK_PORT": str(port),
            **extra_env,
        }
        url = f"http://127.0.0.1:{port}{PATH}"  # Telegram wants https; a proxy ends TLS
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("kepubot")), "run", "--webhook-url", url],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        wait_until_healthy(port, process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


def wait_until_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
            raise AssertionError(f"the bot exited with {process.returncode}:\n{output[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the webhook server did not come up")


def post(port: int, update: dict[str, Any], secret: str | None = SECRET) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    response = httpx.post(f"http://127.0.0.1:{port}{PATH}", json=update, headers=headers)
    return response.status_code


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> str:
    process.send_signal(sig)
    output, _ = process.communicate(timeout=30)
    log = output.decode("utf-8", "replace")
    assert process.returncode == 0, log[-3000:]
    return log


def test_updates_over_the_webhook_need_the_secret(
    api: FakeBotAPI, start_bot: Callable[..., subprocess.Popen[bytes]], port: int
) -> None:
    bot = start_bot(KEPUBOT_LOG_FORMAT="json")
    health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
    assert health == {"status": "ok", "database": "ok", "scheduler": "leader"}
    [webhook] = api.webhooks
    assert webhook["url"] == f"http://127.0.0.1:{port}{PATH}"
    assert webhook["secret_token"] == SECRET

    assert post(port, api.make_update("/start"), secret=None) == 403
    assert post(port, api.make_update("/start"), secret="wrong-secret") == 403
    question = api.make_update("科普日什么时候开始")
    assert post(port, api.make_update("/start")) == 200
    assert post(port, question) == 200
    assert post(port, question) == 200  # Telegram re-delivers: one answer all the same
    replies = api.wait_for_replies(2)
    time.sleep(1.0)  # time for a wrongly processed copy to show up
    assert len(api.sent) == 2
    assert "全国科普日" in replies[0]["text"]
    assert "9月15日" in replies[1]["text"]
    assert httpx.get(f"http://127.0.0.1:{port}/nowhere").status_code == 404

    log = stop(bot)
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert SECRET not in log
    entries = [json.loads(line) for line in log.splitlines()]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(entry["level"] == "DEBUG" for entry in entries)


def outbox_statuses(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(row.status for row in session.exec(select(OutboxMessage)))


@pytest.mark.slow
def test_sigterm_mid_broadcast_leaves_no_row_sending(
    api: FakeBotAPI, start_bot: Callable[..., subprocess.Popen[bytes]], db_url: str
) -> None:
    engine = create_db_engine(db_url)
    chats = list(range(50_001, 50_201))
    Outbox(engine, _utc_now).enqueue("broadcast", chats, {"parts": text_parts("科普日通知")})
    api.send_delay = 0.3  # a slow Telegram: many requests are in flight at SIGTERM
    bot = start_bot(KEPUBOT_BROADCAST_RATE="25")
    deadline = time.monotonic() + 20
    while len(api.sent) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(api.sent) >= 20, "the dispatcher did not start sending"

    stop(bot)

    statuses = outbox_statuses(engine)
    assert statuses["sending"] == 0
    assert statuses["ambiguous"] == 0  # each request in flight was let finish
    assert statuses["sent"] + statuses["pending"] == len(chats)
    assert 20 <= statuses["sent"] < len(chats)
    delivered = Counter(int(message["chat_id"]) for message in api.sent)
    assert sum(delivered.values()) == statuses["sent"]
    assert set(delivered.values()) == {1}
    engine.dispose()
