"""FAQ cards organizers write from chat: answering an unanswered question, editing, deleting.

Every change bumps the content revision (every process reloads its answer snapshot within
a few seconds; the caller reloads its own at once) and leaves a `FaqChange` row: who, when,
the card before and after. Telegram-free and blocking.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from bot.clock import Clock
from content.db import session_scope
from content.models import ORGANIZER, Faq, FaqChange, UnansweredQuestion
from content.seed import bump_revision
from content.text import question_key

MAX_ANSWER_CHARS = 2000
FAQ_ID_PREFIX = "faq-chat-"


class FaqError(Exception):
    """The change cannot be made; the message says why (shown to the organizer)."""


@dataclass(frozen=True)
class UnansweredCount:
    """An unanswered question, how often it was asked, and when last; `ref` is the id of its
    latest asking (names it in a button, the same on every process)."""

    text: str
    count: int
    last_asked: datetime
    ref: int


def most_unanswered(engine: Engine, limit: int = 20) -> list[UnansweredCount]:
    """The most frequent unanswered questions, most asked first (not those an organizer has
    answered with an FAQ card since)."""
    count = func.count(col(UnansweredQuestion.id))
    latest = func.max(col(UnansweredQuestion.asked_at))
    ref = func.max(col(UnansweredQuestion.id))
    query = (
        select(UnansweredQuestion.text, count, latest, ref)
        .where(col(UnansweredQuestion.faq_id).is_(None))
        .group_by(col(UnansweredQuestion.text))
        .order_by(count.desc(), latest.desc(), ref.desc())
        .limit(limit)
    )
    with Session(engine) as session:
        rows = session.exec(query).all()
    return [UnansweredCount(text, n, last, int(ref or 0)) for text, n, last, ref in rows]


def _card(faq: Faq) -> dict[str, Any]:
    return {"question": faq.question, "answer": faq.answer, "keywords": list(faq.keywords)}


class FaqBook:
    """Writes organizers' FAQ cards and their audit trail."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        flush: Callable[[], None] = lambda: None,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._flush = flush
        """Writes the question log queued behind answers (before it is read)."""
        self._on_change = on_change
        """Lets this process's answers use a changed card at once."""

    # --- reading ---------------------------------------------------------------------------

    def unanswered(self, limit: int = 10) -> list[UnansweredCount]:
        """The most frequent unanswered questions not answered by a card yet."""
        self._flush()
        return most_unanswered(self._engine, limit)

    def question_of(self, ref: int) -> str | None:
        """The text of the unanswered question `ref`, or None if there is no such row."""
        with Session(self._engine) as session:
            row = session.get(UnansweredQuestion, ref)
        return row.text if row is not None else None

    def cards(self) -> list[Faq]:
        """Organizers' FAQ cards (from chat and from files), by id."""
        with Session(self._engine, expire_on_commit=False) as session:
            return list(
                session.exec(select(Faq).where(Faq.source == ORGANIZER).order_by(col(Faq.id)))
            )

    def card(self, faq_id: str) -> Faq | None:
        with Session(self._engine, expire_on_commit=False) as session:
            faq = session.get(Faq, faq_id)
        return faq if faq is not None and faq.source == ORGANIZER else None

    def changes(self) -> list[FaqChange]:
        """The audit trail, oldest first."""
        with Session(self._engine, expire_on_commit=False) as session:
            return list(session.exec(select(FaqChange).order_by(col(FaqChange.id))))

    # --- writing ---------------------------------------------------------------------------

    def teach(self, question: str, answer: str, by: int) -> Faq:
        """A new card answering `question` (kept as its question, the example it is matched
        by); the question's unanswered askings are marked answered by it."""
        question = " ".join(question.split())
        answer = _checked_answer(answer)
        if not question_key(question):
            raise FaqError("问题是空的")
        faq = Faq(
            id=FAQ_ID_PREFIX + uuid.uuid4().hex[:10],
            question=question,
            answer=answer,
            keywords=[],
            source=ORGANIZER,
        )
        key = question_key(question)
        with session_scope(self._engine) as session:
            session.add(faq)
            open_texts = session.exec(
                select(UnansweredQuestion.text)
                .where(col(UnansweredQuestion.faq_id).is_(None))
                .distinct()
            ).all()
            # The same question asked with other punctuation, spacing or script is answered
            # by the card from now on: it leaves the list too.
            same = [text for text in open_texts if question_key(text) == key]
            session.exec(
                update(UnansweredQuestion)
                .where(col(UnansweredQuestion.text).in_([question, *same]))
                .values(faq_id=faq.id)
            )
            session.add(self._change(faq.id, "create", by, None, _card(faq)))
            bump_revision(session)
        self._on_change()
        return faq

    def edit(self, faq_id: str, answer: str, by: int) -> Faq:
        """Give card `faq_id` a new answer."""
        answer = _checked_answer(answer)
        with session_scope(self._engine) as session:
            faq = self._own(session, faq_id)
            before = _card(faq)
            faq.answer = answer
            session.add(faq)
            session.add(self._change(faq_id, "edit", by, before, _card(faq)))
            bump_revision(session)
        self._on_change()
        return faq

    def delete(self, faq_id: str, by: int) -> Faq:
        """Remove card `faq_id`; the questions it answered count as unanswered again."""
        with session_scope(self._engine) as session:
            faq = self._own(session, faq_id)
            before = _card(faq)
            session.delete(faq)
            session.exec(
                update(UnansweredQuestion)
                .where(col(UnansweredQuestion.faq_id) == faq_id)
                .values(faq_id=None)
            )
            session.add(self._change(faq_id, "delete", by, before, None))
            bump_revision(session)
        self._on_change()
        return faq

    def _own(self, session: Session, faq_id: str) -> Faq:
        faq = session.get(Faq, faq_id)
        if faq is None or faq.source != ORGANIZER:
            raise FaqError(f"没有问答卡片 {faq_id}")
        return faq

    def _change(
        self,
        faq_id: str,
        action: str,
        by: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> FaqChange:
        return FaqChange(
            faq_id=faq_id,
            action=action,
            changed_by=by,
            changed_at=self._clock(),
            before=before,
            after=after,
        )


def _checked_answer(answer: str) -> str:
    answer = answer.strip()
    if not answer:
        raise FaqError("回答是空的")
    if len(answer) > MAX_ANSWER_CHARS:
        raise FaqError(f"回答太长（{len(answer)} 字），请控制在 {MAX_ANSWER_CHARS} 字以内")
    return answer
