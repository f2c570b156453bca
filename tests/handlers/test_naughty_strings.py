"""Every line of the Big List of Naughty Strings, sent to the bot, gets a reply that
Telegram would accept, and nothing fails."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.local_api import FakeBotAPI
from tests.conftest import NOW
from tests.helpers.telegram_html import telegram_html_problems
from tests.helpers.updates import make_message

BLNS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "blns.txt"


def _lines() -> list[str]:
    if not BLNS.exists():
        pytest.skip("../shared/corpora is not beside this checkout")
    lines = [line for line in BLNS.read_text("utf-8").splitlines() if not line.startswith("#")]
    return [line for line in lines if line.strip()]


@pytest.mark.parametrize("form", ["private", "ask"])
async def test_naughty_strings_get_a_valid_reply(
    app: Application, bot_api: FakeBotAPI, caplog: pytest.LogCaptureFixture, form: str
) -> None:
    lines = _lines()
    with caplog.at_level(logging.ERROR):
        for number, line in enumerate(lines):
            text = line if form == "private" else f"/ask {line}"
            before = len(bot_api.calls)
            update = make_message(text, bot=app.bot, when=NOW, user_id=10_000 + number)
            await app.process_update(update)
            replies = [c for c in bot_api.calls[before:] if c.method == "sendMessage"]
            assert replies, f"no reply to {line!r}"
            for reply in replies:
                problems = telegram_html_problems(reply.params["text"])
                assert not problems, f"{line!r}: {problems}"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) > 400
