"""Organizers upload events files in chat while the bot talks to a Bot API stand-in at
KEPUBOT_TELEGRAM_BASE_URL: files come from that server too (its /file/bot URL, or a local
path in --local mode), never from api.telegram.org."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.telegram.local_api import FakeBotAPI

TOKEN = "4242:E2E-uploads-token-that-must-not-be-logged"
ORGANIZER = 7001

YAML_EVENTS = """\
events:
  - id: up-robot
    title: 机器人编程体验营
    start: 2024-09-17T09:00:00+08:00
    venue: 永川区科技馆
    district: 永川区
"""
CSV_EVENTS = (
    "id,title,start,venue,district\nup-stars,天文观测夜,2024-09-16T19:00,重庆科技馆,江北区\n"
)


def _start_bot(base_url: str, db_url: str, cwd: Path, cache: Path, **extra: str) -> Any:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "KEPUBOT_TELEGRAM_BASE_URL": base_url,
        "KEPUBOT_DATABASE_URL": db_url,
        "KEPUBOT_JIEBA_CACHE_DIR": str(cache),
        "KEPUBOT_ADMIN_IDS": str(ORGANIZER),
        "KEPUBOT_SCHEDULER_ENABLED": "false",
        **extra,
    }
    cli = Path(sys.executable).with_name("kepubot")
    return subprocess.Popen(
        [str(cli), "run"], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


@pytest.fixture
def stop() -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _import(api: FakeBotAPI, name: str, content: str) -> str:
    """Upload a file, press 确认导入 under its preview; the edited preview's text."""
    count = len(api.sent)
    api.send_document(name, content.encode("utf-8"), user_id=ORGANIZER)
    preview = api.wait_for_replies(count + 1)[count]
    assert "确认导入" in preview["text"], preview["text"]
    markup = preview["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    edits = len(api.edits)
    api.press(preview, markup["inline_keyboard"][0][0]["callback_data"], user_id=ORGANIZER)
    api.wait_for(lambda: len(api.edits) > edits)
    return str(api.edits[-1]["text"])


def _ask(api: FakeBotAPI, question: str) -> str:
    count = len(api.sent)
    api.send_text(question, user_id=ORGANIZER)
    return str(api.wait_for_replies(count + 1)[count]["text"])


@pytest.mark.parametrize("local_mode", [False, True], ids=["file-url", "local-mode"])
def test_uploaded_yaml_and_csv_are_imported_through_the_configured_server(
    api: FakeBotAPI,
    bot_api_url: str,
    db_url: str,
    tmp_path: Path,
    jieba_cache: Path,
    stop: list[subprocess.Popen[bytes]],
    local_mode: bool,
) -> None:
    extra = {}
    if local_mode:
        api.local_dir = tmp_path / "bot-api-files"
        api.local_dir.mkdir()
        extra["KEPUBOT_TELEGRAM_LOCAL_MODE"] = "true"
    stop.append(_start_bot(bot_api_url, db_url, tmp_path, jieba_cache, **extra))

    assert "已导入" in _import(api, "events.yaml", YAML_EVENTS)
    assert "永川区科技馆" in _ask(api, "机器人编程体验营在哪里举办")
    assert "已导入" in _import(api, "events.csv", CSV_EVENTS)
    assert "重庆科技馆" in _ask(api, "天文观测夜在哪里")

    # Downloads went to the stand-in's /file/bot URL, or (local mode) nowhere over HTTP; each
    # file twice: to preview it, and again on 确认导入 (in whichever process takes the press).
    if local_mode:
        assert api.downloads == []
    else:
        yaml, csv = "documents/events.yaml", "documents/events.csv"
        assert api.downloads == [yaml, yaml, csv, csv]
    assert api.methods.count("getFile") == 4
