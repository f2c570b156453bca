"""A fake time for the outbox dispatcher: sleeping advances the clock instead of waiting."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class FakeTime:
    """`monotonic`, `now` and `sleep` over one fake clock; `sleeps` records every wait."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.elapsed = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.elapsed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += max(seconds, 0.0)
        await asyncio.sleep(0)
