"""Checks that a text would be accepted by Telegram in HTML parse mode."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.formatting import ALLOWED_TAGS  # Telegram's list, kept in one place

MAX_CHARS = 4096


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"unsupported tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}>")
        else:
            self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.problems.append(f"unsupported entity &{name};")


def telegram_html_problems(text: str) -> list[str]:
    """Why Telegram would reject `text` as an HTML message (empty list: it would not)."""
    problems = []
    if not text.strip():
        problems.append("empty text")
    if len(text) > MAX_CHARS:
        problems.append(f"{len(text)} characters")
    checker = _Checker()
    checker.feed(text)
    checker.close()
    problems += checker.problems
    if checker.stack:
        problems.append(f"unclosed {checker.stack}")
    if "<" in text.replace("<", "", 0) and "&lt;" not in text and checker.rawdata:
        problems.append("raw '<' left unparsed")
    return problems
