"""Question answering over the content store: the public entry point."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from content.compose import Composer
from content.english import English
from content.gate import CardSet, after_fallback, card_reply, confident_card
from content.knowledge import Knowledge, load_knowledge, notice_texts
from content.lexicon import Analyzer, load_lexicon
from content.models import Event
from content.seed import content_revision
from content.segment import Segmenter
from content.snapshots import SnapshotCache
from content.text import normalize, question_key
from content.understanding import parse_question

log = logging.getLogger(__name__)

REVISION_CHECK_SECONDS = 5.0
ANSWERS_REMEMBERED = 2048
"""Answers kept per content snapshot. A campaign's public asks the same few questions again
and again (after each reminder, hundreds ask 今天有什么活动), and an answer depends only on the
words, the snapshot and the minute, so a repeated question costs a lookup."""


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

    @property
    def unsaid(self) -> bool:
        """Nothing of the store says what was asked: a fallback, or a practical question
        (门票, 宠物 …) the notice does not answer. Organizers see these to add an FAQ."""
        return not self.answered or self.intent == "practical"


class Answerer:
    """Answers questions from an in-memory snapshot of the store (thread-safe reads).

    The snapshot is reloaded after `reload()` and, at most every few seconds, when another
    process changed the content (an import from the CLI while the bot runs).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        tz: ZoneInfo,
        cache_dir: Path,
        settings: Mapping[str, object] | None = None,
    ) -> None:
        """`settings`: values the feature cards name (digest_time …), from the running bot;
        the cards' own defaults otherwise."""
        self._engine = engine
        self._settings = dict(settings or {})
        self._english = English.load()
        self._tz = tz
        self._analyzer = Analyzer(Segmenter(cache_dir), load_lexicon())
        self._cache = SnapshotCache(cache_dir)
        self._knowledge: Knowledge | None = None
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._answers: tuple[Knowledge, Callable[[str, datetime], Answer]] | None = None
        self._cards: tuple[Knowledge, CardSet] | None = None

    def warm_up(self) -> None:
        """Load the segmenter, converter tables, snapshot and cards (blocking; off the event
        loop)."""
        normalize("預熱")  # loads OpenCC's tables now rather than on a user's first question
        self._card_set(self._snapshot())

    def reload(self) -> None:
        """Reload the content snapshot after an import or edit."""
        with self._lock:
            self._knowledge = load_knowledge(self._engine, self._analyzer, self._tz, self._cache)
            self._checked_at = time.monotonic()

    def _snapshot(self) -> Knowledge:
        knowledge = self._knowledge
        if knowledge is None:
            with self._lock:
                if self._knowledge is None:
                    self._knowledge = load_knowledge(
                        self._engine, self._analyzer, self._tz, self._cache
                    )
                    self._checked_at = time.monotonic()
                knowledge = self._knowledge
        elif time.monotonic() - self._checked_at > REVISION_CHECK_SECONDS:
            self._checked_at = time.monotonic()
            if content_revision(self._engine) != knowledge.revision:
                log.info("content changed; reloading the answer snapshot")
                self.reload()
                knowledge = self._knowledge
        assert knowledge is not None
        return knowledge

    def reads_store_next(self) -> bool:
        """Whether the next `answer` reads the store (the first snapshot, or the periodic look
        for content changed elsewhere); otherwise it is pure computation in memory."""
        return (
            self._knowledge is None or time.monotonic() - self._checked_at > REVISION_CHECK_SECONDS
        )

    def events_on(self, day: date) -> list[Event]:
        """The events running on a local day, by start time (from the snapshot)."""
        return self._snapshot().events_between(day, day)

    def answer(self, question: str, now: datetime) -> Answer:
        """Answer one question; `now` is an aware datetime (the injected clock). Answers are
        given as of the start of `now`'s minute, and remembered for it."""
        knowledge = self._snapshot()
        answers = self._answers
        if answers is None or answers[0] is not knowledge:  # new content: forget the old
            compose = functools.partial(self._compose, knowledge)
            answers = self._answers = (knowledge, functools.lru_cache(ANSWERS_REMEMBERED)(compose))
        return answers[1](question, now.replace(second=0, microsecond=0))

    def _card_set(self, knowledge: Knowledge) -> CardSet:
        cards = self._cards
        if cards is None or cards[0] is not knowledge:
            background = notice_texts(knowledge)
            card_set = CardSet.build(
                knowledge, self._settings, background, words=self._analyzer.segmenter.tokens
            )
            cards = self._cards = (knowledge, card_set)
        return cards[1]

    def _compose(self, knowledge: Knowledge, question: str, now: datetime) -> Answer:
        faq = knowledge.faq_by_question.get(question_key(question))
        if faq is not None:  # the very question an organizer answered (from chat or a file)
            return Answer(faq.answer, "faq", (faq.id,))
        translated = self._english.translate(question, knowledge)
        if translated is not None:
            answer = self._reply(knowledge, translated, now) if translated else None
            if answer is None or not answer.answered:
                return Answer(self._english.wrap(None, knowledge), "fallback")
            text = self._english.wrap(answer.text, knowledge)
            return Answer(text, answer.intent, answer.sources, answer.suggestions)
        return self._reply(knowledge, question, now)

    def _reply(self, knowledge: Knowledge, question: str, now: datetime) -> Answer:
        cards = self._card_set(knowledge)
        parsed = parse_question(question, now, knowledge, self._analyzer, cards.knows)
        hits = cards.rank(parsed.text)
        card = confident_card(hits)
        if parsed.off_topic and card is not None and card.kind not in ("feature", "personal"):
            card = None  # another subject: only the bot's own features may still answer
        if card is not None:
            reply = card_reply(card)
        else:
            reply = Composer(knowledge, now, self._analyzer.lexicon).compose(parsed)
            if reply.intent == "fallback":
                reply = after_fallback(hits, reply)
        return Answer(reply.text, reply.intent, reply.sources, reply.suggestions)
