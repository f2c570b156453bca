"""Turning plain answer text into Telegram HTML messages, and back into plain text."""

from __future__ import annotations

import html
import re

MAX_MESSAGE_CHARS = 4096
"""Telegram's limit for one message's text (after entity parsing; we count the HTML)."""

_TAG = re.compile(r"<[^>]+>")


def escape(text: str) -> str:
    """Escape plain text for HTML parse mode."""
    return html.escape(text, quote=False)


def split_html(escaped: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split escaped HTML into chunks of at most `limit` chars, at line boundaries.

    A single line longer than `limit` is cut between characters, never inside an entity
    such as `&amp;`. Only text without tags can be cut safely; callers split before adding
    markup that spans lines.
    """
    chunks: list[str] = []
    current = ""
    for line in escaped.split("\n"):
        for piece in _cut_line(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if current and len(candidate) > limit:
                chunks.append(current)
                current = piece
            else:
                current = candidate
    if current.strip():
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _cut_line(line: str, limit: int) -> list[str]:
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    start = 0
    while len(line) - start > limit:
        end = start + limit
        amp = line.rfind("&", max(start, end - 8), end)
        if amp != -1 and ";" not in line[amp:end]:
            end = amp  # do not cut `&amp;` in half
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return pieces


def to_plain(message_html: str) -> str:
    """What a user reads from an HTML message: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", message_html))
