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


# --- organizers' HTML: checked before a broadcast, split without breaking tags -------------

ALLOWED_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    ]
)
"""The tags Telegram's HTML parse mode accepts."""
_ENTITY_NAMES = frozenset({"lt", "gt", "amp", "quot"})
_MARKUP = re.compile(r"<(/?)([^\s<>/]*)([^<>]*)>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|<|&")
_ATOM = re.compile(r"<[^<>]*>|&#?[0-9a-zA-Z]+;|\n|[^<&\n]|[<&]")


def check_html(text: str) -> list[str]:
    """What Telegram would refuse in this HTML (unknown or unbalanced tags, bare < or &)."""
    problems: list[str] = []
    stack: list[str] = []
    for match in _MARKUP.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        whole = match.group(0)
        if whole in ("<", "&"):
            escaped = "&lt;" if whole == "<" else "&amp;"
            problems.append(f"第{line}行：单独的 {whole} 请写成 {escaped}")
        elif match.group(4) is not None:
            name = match.group(4)
            if not name.startswith("#") and name not in _ENTITY_NAMES:
                problems.append(
                    f"第{line}行：不支持的字符实体 {whole}（可用 &lt; &gt; &amp; &quot;）"
                )
        else:
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                problems.append(f"第{line}行：不支持的标签 {whole}")
            elif closing:
                if not stack or stack[-1] != name:
                    problems.append(f"第{line}行：结束标签 {whole} 没有对应的开始标签")
                else:
                    stack.pop()
            elif name == "a" and "href=" not in attrs:
                problems.append(f"第{line}行：链接 {whole} 缺少 href")
            else:
                stack.append(name)
    problems.extend(f"标签 <{name}> 没有结束标签 </{name}>" for name in reversed(stack))
    return problems


def split_markup(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split valid HTML into messages of at most `limit` chars, preferably at line ends.

    Tags open at a cut are closed at the end of one message and reopened at the start of
    the next, so every message is valid on its own.
    """
    atoms = _ATOM.findall(text)
    chunks: list[str] = []
    start_stack: list[tuple[str, str]] = []
    i = 0
    while i < len(atoms):
        stack = list(start_stack)
        size = len(_openers(start_stack))
        best: tuple[int, list[tuple[str, str]]] | None = None  # last newline and its stack
        j = i
        while j < len(atoms):
            atom = atoms[j]
            if atom == "\n" and j > i:
                best = (j, list(stack))
            after = _apply_tag(stack, atom)
            if j > i and size + len(atom) + len(_closers(after)) > limit:
                break
            stack, size, j = after, size + len(atom), j + 1
        else:
            chunks.append(_openers(start_stack) + "".join(atoms[i:]) + _closers(stack))
            break
        end, end_stack, resume = (best[0], best[1], best[0] + 1) if best else (j, stack, j)
        chunks.append(_openers(start_stack) + "".join(atoms[i:end]) + _closers(end_stack))
        start_stack, i = end_stack, resume
    return [chunk for chunk in chunks if to_plain(chunk).strip()]


def _apply_tag(stack: list[tuple[str, str]], atom: str) -> list[tuple[str, str]]:
    if not (atom.startswith("<") and atom.endswith(">") and len(atom) > 2):
        return stack
    name = atom.strip("</>").split(maxsplit=1)[0].lower() if atom.strip("</>") else ""
    if atom.startswith("</"):
        for index in range(len(stack) - 1, -1, -1):
            if stack[index][0] == name:
                return stack[:index] + stack[index + 1 :]
        return stack
    return [*stack, (name, atom)]


def _openers(stack: list[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


def _closers(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))
