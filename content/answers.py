"""Question answering over the content store: the public entry point."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine


@dataclass(frozen=True)
class Answer:
    """What the bot says to a question, as plain text (not escaped)."""

    text: str
    intent: str
    sources: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = field(default=())

    @property
    def answered(self) -> bool:
        return self.intent != "fallback"


class Answerer:
    """Answers questions from an in-memory snapshot of the store (thread-safe reads)."""

    def __init__(self, engine: Engine, *, tz: ZoneInfo, cache_dir: Path) -> None:
        self._engine = engine
        self._tz = tz
        self._cache_dir = cache_dir

    def warm_up(self) -> None:
        """Load the segmenter and the content snapshot (blocking; call off the event loop)."""

    def reload(self) -> None:
        """Reload the content snapshot after an import or edit."""

    def answer(self, question: str, now: datetime) -> Answer:
        """Answer one question; `now` is an aware datetime (the injected clock)."""
        return Answer(text="暂时无法回答。", intent="fallback")
