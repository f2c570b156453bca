"""Replies for WeChat's passive-reply limit: long answers in parts, the rest on 「更多」, and
one answer per message however often WeChat retries it."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable

MAX_REPLY_BYTES = 2048
"""WeChat's limit for a passive text reply (UTF-8 bytes)."""
REMEMBERED = 10_000


def split_reply(text: str, hint: str, limit: int = MAX_REPLY_BYTES) -> list[str]:
    """`text` in parts of at most `limit` bytes, cut at line boundaries (a line longer than a
    part is cut between characters); every part but the last ends with `hint`."""
    budget = limit - len(("\n" + hint).encode("utf-8"))
    if len(text.encode("utf-8")) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut(line, budget):
            candidate = f"{current}\n{piece}" if current else piece
            if current and len(candidate.encode("utf-8")) > budget:
                parts.append(current)
                current = piece
            else:
                current = candidate
    if current.strip():
        parts.append(current)
    return [f"{part}\n{hint}" for part in parts[:-1]] + parts[-1:]


def _cut(line: str, budget: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode("utf-8")) > budget:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return pieces


class Continuations:
    """The parts of a long answer still to send, per WeChat user (the latest answer only)."""

    def __init__(self, capacity: int = REMEMBERED) -> None:
        self._capacity = capacity
        self._rest: OrderedDict[str, list[str]] = OrderedDict()

    def first(self, user: str, parts: list[str]) -> str:
        """The first part to send now; the others wait for 「更多」."""
        self._rest.pop(user, None)
        if len(parts) > 1:
            self._rest[user] = parts[1:]
            while len(self._rest) > self._capacity:
                self._rest.popitem(last=False)
        return parts[0]

    def next(self, user: str) -> str | None:
        """The next part of the user's last long answer, or None when nothing is left."""
        rest = self._rest.get(user)
        if not rest:
            return None
        part = rest.pop(0)
        if not rest:
            del self._rest[user]
        return part


class OncePerMessage:
    """One reply per WeChat message: a retry of a message (same MsgId) gets the reply of the
    first delivery, waiting for it while it is still being made. A reply is made in a task of
    its own, so a request that stops waiting (WeChat's 5 seconds) does not stop it; one that
    failed is made again on the next retry."""

    def __init__(self, capacity: int = REMEMBERED) -> None:
        self._capacity = capacity
        self._replies: OrderedDict[str, asyncio.Future[str | None]] = OrderedDict()

    async def reply(self, key: str, make: Callable[[], Awaitable[str | None]]) -> str | None:
        task = self._replies.get(key)
        if task is None:
            task = asyncio.ensure_future(make())
            self._replies[key] = task
            task.add_done_callback(lambda done: self._forget_failed(key, done))
            while len(self._replies) > self._capacity:
                self._replies.popitem(last=False)
        return await asyncio.shield(task)

    def _forget_failed(self, key: str, task: asyncio.Future[str | None]) -> None:
        if (task.cancelled() or task.exception() is not None) and self._replies.get(key) is task:
            del self._replies[key]
