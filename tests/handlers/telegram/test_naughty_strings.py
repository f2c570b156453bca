"""Every line of the Big List of Naughty Strings, sent to the bot, gets a reply that
Telegram would accept, and nothing fails."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from telegram.ext import Application

from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from content.importer import parse_import
from tests.conftest import NOW, TZ
from tests.helpers.corpora import CORPORA
from tests.helpers.telegram_html import telegram_html_problems
from tests.helpers.updates import make_message

ORGANIZER = 9_000
BLNS = CORPORA / "blns.txt"


def _lines() -> list[str]:
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


async def test_naughty_strings_as_video_links(app: Application, bot_api: FakeBotAPI) -> None:
    """As /submit arguments: a clear refusal (nothing is a video link), never an error."""
    lines = _lines()
    for number, line in enumerate(lines):
        before = len(bot_api.calls)
        update = make_message(f"/submit {line}", bot=app.bot, when=NOW, user_id=20_000 + number)
        await app.process_update(update)
        replies = [c for c in bot_api.calls[before:] if c.method == "sendMessage"]
        assert replies, f"no reply to /submit {line!r}"
        for reply in replies:
            assert not telegram_html_problems(reply.params["text"]), line


async def test_naughty_strings_as_broadcast_texts(
    app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    """From an organizer composing a broadcast: a preview Telegram accepts, or a refusal."""
    services.people.grant(ORGANIZER, by=1)
    for line in _lines():
        await app.process_update(
            make_message("/broadcast", bot=app.bot, when=NOW, user_id=ORGANIZER)
        )
        before = len(bot_api.calls)
        await app.process_update(make_message(line, bot=app.bot, when=NOW, user_id=ORGANIZER))
        replies = [c for c in bot_api.calls[before:] if c.method == "sendMessage"]
        assert replies, f"no reply to the broadcast text {line!r}"
        for reply in replies:
            assert isinstance(reply.params.get("text"), str), (line, reply.params)
            assert not telegram_html_problems(reply.params["text"]), line
        await app.process_update(make_message("/cancel", bot=app.bot, when=NOW, user_id=ORGANIZER))
    assert services.outbox.recent(5, kind="broadcast") == []  # nothing was confirmed or sent


def test_naughty_strings_as_import_fields(tmp_path: Path) -> None:
    """Every line as an event title and venue: imported as text, exported back the same."""
    lines = [line for line in _lines() if line.strip()]
    events = [
        {"id": f"n{i}", "title": line, "start": "2024-09-20T10:00", "venue": line}
        for i, line in enumerate(lines)
    ]
    raw = yaml.safe_dump({"events": events}, allow_unicode=True).encode("utf-8")
    batch = parse_import(raw, "naughty.yaml", TZ)
    titles = {e.id: e.title for e in batch.events}
    for i, line in enumerate(lines):
        assert titles[f"n{i}"].strip() == line.strip()
