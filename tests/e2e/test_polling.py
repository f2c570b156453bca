"""`kepubot run` as its own process, long polling a Bot API stand-in over real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.local_api import FakeBotAPI

TOKEN = "4242:E2E-token-that-must-not-be-logged"


@pytest.fixture
def bot_process(
    bot_api_url: str, db_url: str, tmp_path: Path, jieba_cache: Path
) -> Iterator[subprocess.Popen[bytes]]:
    cli = Path(sys.executable).with_name("kepubot")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "KEPUBOT_TELEGRAM_BASE_URL": bot_api_url,
        "KEPUBOT_DATABASE_URL": db_url,
        "KEPUBOT_JIEBA_CACHE_DIR": str(jieba_cache),
        "KEPUBOT_LOG_LEVEL": "DEBUG",
    }
    process = subprocess.Popen(
        [str(cli), "run"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_questions_over_long_polling(
    api: FakeBotAPI, bot_process: subprocess.Popen[bytes]
) -> None:
    api.send_text("/start")
    api.send_text("科普日什么时候开始")
    api.send_text("今天吃什么")
    replies = api.wait_for_replies(3)
    texts = [r["text"] for r in replies]
    assert "全国科普日" in texts[0]
    assert "9月15日" in texts[1]
    assert "没有这方面的信息" in texts[2]
    assert all(r.get("parse_mode") == "HTML" for r in replies)
    assert "setMyCommands" in api.methods

    bot_process.send_signal(signal.SIGINT)
    output, _ = bot_process.communicate(timeout=20)
    assert bot_process.returncode == 0, output.decode("utf-8", "replace")[-2000:]
    log = output.decode("utf-8", "replace")
    assert TOKEN not in log  # not even at DEBUG, where request URLs are logged
    assert TOKEN.split(":")[1] not in log
