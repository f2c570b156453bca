"""The `kepubot` console script, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.chat import run_chat
from bot.cli import main
from bot.clock import fixed_clock
from bot.services import QuestionService
from bot.settings import Settings
from bot.store.group_commit import GroupCommit
from content.answers import Answer, Answerer
from content.db import create_db_engine
from tests.conftest import NOW

KEPUBOT = Path(sys.executable).with_name("kepubot")
QUESTION = "科普日什么时候开始"


def _run(
    args: list[str], stdin: str, env_overrides: dict[str, str]
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEPUBOT_")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.update(env_overrides)
    return subprocess.run(
        [str(KEPUBOT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_console_script_is_installed() -> None:
    assert KEPUBOT.exists(), "run `pip install -e '.[dev]'`"


def test_ask_json_through_the_console_script(
    empty_db_url: str, jieba_cache: Path, answerer: Answerer
) -> None:
    env = {
        "KEPUBOT_DATABASE_URL": empty_db_url,
        "KEPUBOT_JIEBA_CACHE_DIR": str(jieba_cache),
    }
    result = _run(["ask", "--json", "--now", NOW.isoformat()], f"{QUESTION}\n\n主题是什么\n", env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    for record in records:
        assert set(record) == {"question", "intent", "answer", "sources"}
        assert isinstance(record["sources"], list)
    assert records[0]["question"] == QUESTION
    expected = answerer.answer(QUESTION, NOW)
    assert records[0]["answer"] == expected.text
    assert records[0]["intent"] == expected.intent
    assert QUESTION in result.stdout  # ensure_ascii=False


def test_echo_into_chat_prints_the_answer(
    db_url: str, jieba_cache: Path, answerer: Answerer
) -> None:
    env = {"KEPUBOT_DATABASE_URL": db_url, "KEPUBOT_JIEBA_CACHE_DIR": str(jieba_cache)}
    result = _run(["chat"], f"{QUESTION}\n", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    first_line = answerer.answer(QUESTION, NOW).text.splitlines()[0]
    assert first_line in result.stdout
    assert "<b>" not in result.stdout


def test_ask_does_not_import_telegram(cli_env: dict[str, str]) -> None:
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        "main(['ask', '--json', '主题'], standalone_mode=False)\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'telegram'], 'telegram loaded'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_ask_plain_text_with_now(cli_env: dict[str, str], answerer: Answerer) -> None:
    result = CliRunner().invoke(main, ["ask", "--now", "2024-09-10T10:00", QUESTION])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(answerer.answer(QUESTION, NOW).text)


def test_ask_rejects_a_bad_now(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ask", "--now", "yesterday", QUESTION])
    assert result.exit_code == 2
    assert "ISO" in result.stderr


def test_unanswered_lists_recorded_questions(
    cli_env: dict[str, str],
    settings: Settings,
    answerer: Answerer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_db_engine(settings.database_url)
    writer = GroupCommit(engine)
    service = QuestionService(engine, answerer, fixed_clock(NOW), salt=b"s", writer=writer)
    fallback = Answer("?", intent="fallback")
    monkeypatch.setattr(answerer, "answer", lambda question, now: fallback)
    for question in ["火星有科普日吗", "火星有科普日吗", "月球呢"]:
        service.ask(question, user_id=1)
    writer.close()
    engine.dispose()
    result = CliRunner().invoke(main, ["unanswered", "--limit", "1"])
    assert result.exit_code == 0
    assert result.stdout.split() == ["2", "2024-09-10", "10:00", "火星有科普日吗"]


async def test_chat_in_process_strips_html(settings: Settings) -> None:
    out = StringIO()
    await run_chat(settings, StringIO("/start\n\n/help\n"), out)
    text = out.getvalue()
    assert "全国科普日" in text
    assert "使用说明" in text
    assert "<b>" not in text


async def test_chat_numbers_press_suggestion_buttons(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(self: Answerer, question: str, now: object) -> Answer:
        return Answer(f"答：{question}", intent="test", suggestions=("主题是什么", "怎么报名"))

    monkeypatch.setattr(Answerer, "answer", answer)
    monkeypatch.setattr(Answerer, "warm_up", lambda self: None)
    out = StringIO()
    await run_chat(settings, StringIO("你好\n2\n"), out, clock=fixed_clock(NOW))
    assert out.getvalue().splitlines() == [
        "答：你好",
        "  [1] 主题是什么",
        "  [2] 怎么报名",
        "问：怎么报名",
        "答：怎么报名",
        "  [1] 主题是什么",
        "  [2] 怎么报名",
    ]


def test_stats_prints_the_figures(cli_env: dict[str, str], settings: Settings) -> None:
    from bot.outreach.outbox import Outbox, text_parts
    from bot.outreach.subscriptions import Subscriptions

    engine = create_db_engine(settings.database_url)
    Subscriptions(engine, fixed_clock(NOW)).subscribe(7)
    Outbox(engine, fixed_clock(NOW)).enqueue("broadcast", [7], {"parts": text_parts("通知")})
    engine.dispose()
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    assert "订阅者 1 人" in result.stdout
    assert "#1" in result.stdout and "送达 0/1" in result.stdout
