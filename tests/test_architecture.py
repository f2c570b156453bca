"""The domain core (content/ and the bot's services) never imports telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Telegram adapters: the only modules outside handlers/ allowed to import telegram.
TELEGRAM_EDGE = {
    "bot/app.py",
    "bot/bot_api_client.py",  # python-telegram-bot's HTTP request, taking turns
    "bot/chat.py",
    "bot/cli.py",
    "bot/local_api.py",
    "bot/webhook.py",  # the webhook server hands updates to the Application
}
CORE = sorted(
    path
    for package in ("content", "bot")
    for path in (ROOT / package).rglob("*.py")
    if path.relative_to(ROOT).as_posix() not in TELEGRAM_EDGE
)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_modules_are_found() -> None:
    found = {path.relative_to(ROOT).as_posix() for path in CORE}
    assert {"bot/services.py", "content/answers.py", "content/importer.py"} <= found


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_does_not_import_telegram(path: Path) -> None:
    telegram = {m for m in _imported_modules(path) if m.split(".")[0] == "telegram"}
    assert not telegram, f"{path.relative_to(ROOT)} imports {sorted(telegram)}"


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_does_not_import_the_handlers(path: Path) -> None:
    handlers = {m for m in _imported_modules(path) if m.split(".")[0] == "handlers"}
    assert not handlers
