"""Flood control: how many messages one user may send in a window (Telegram-free)."""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Hashable
from datetime import datetime, timedelta


class Verdict(enum.Enum):
    """What to do with one incoming message."""

    ALLOW = "allow"
    NOTIFY = "notify"
    """Over the limit for the first time in this window: say so once, answer nothing."""
    DROP = "drop"


class FloodGate:
    """A sliding window per sender: at most `limit` messages every `window`.

    A sender is any hashable key: a Telegram user id, a web visitor, ("address", ip).
    """

    def __init__(self, limit: int, window: timedelta, max_users: int = 100_000) -> None:
        self._limit = limit
        self._window = window
        self._max_users = max_users
        self._seen: dict[Hashable, deque[datetime]] = {}
        self._warned: dict[Hashable, datetime] = {}

    def check(self, user_id: Hashable, now: datetime) -> Verdict:
        """Record one message from `user_id` at `now` and judge it."""
        if self._limit <= 0:
            return Verdict.ALLOW
        times = self._seen.get(user_id)
        if times is None:
            if len(self._seen) >= self._max_users:
                self._forget_idle(now)
            times = self._seen[user_id] = deque()
        horizon = now - self._window
        while times and times[0] <= horizon:
            times.popleft()
        if len(times) < self._limit:
            times.append(now)
            return Verdict.ALLOW
        warned = self._warned.get(user_id)
        if warned is None or warned <= horizon:
            self._warned[user_id] = now
            return Verdict.NOTIFY
        return Verdict.DROP

    def _forget_idle(self, now: datetime) -> None:
        horizon = now - self._window
        for user_id in [u for u, t in self._seen.items() if not t or t[-1] <= horizon]:
            self._seen.pop(user_id, None)
            self._warned.pop(user_id, None)
