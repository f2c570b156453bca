from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.clock import fixed_clock
from bot.services import QuestionService, ensure_salt
from bot.store.group_commit import GroupCommit
from content.answers import Answer, Answerer
from content.models import UnansweredQuestion
from tests.conftest import NOW


class FakeAnswerer:
    """Answers questions containing 科普; everything else is a fallback."""

    def __init__(self, *, stale: bool = False) -> None:
        self.asked: list[tuple[str, datetime]] = []
        self.threads: list[int] = []
        self.stale = stale

    def reads_store_next(self) -> bool:
        return self.stale

    def answer(self, question: str, now: datetime) -> Answer:
        self.asked.append((question, now))
        self.threads.append(threading.get_ident())
        if "科普" in question:
            return Answer("答案", intent="dates", sources=("cq",))
        return Answer("暂时无法回答。", intent="fallback")

    def reload(self) -> None:
        pass


@pytest.fixture
def writer(engine: Engine) -> Iterator[GroupCommit]:
    writer = GroupCommit(engine)
    yield writer
    writer.close()


def _service(
    writer: GroupCommit, answerer: FakeAnswerer, now: datetime = NOW, salt: bytes = b"pepper"
) -> QuestionService:
    return QuestionService(writer.engine, answerer, fixed_clock(now), salt=salt, writer=writer)  # type: ignore[arg-type]


def test_answers_with_the_injected_clock(writer: GroupCommit) -> None:
    answerer = FakeAnswerer()
    answer = _service(writer, answerer).ask("  科普日   几号 ")
    assert answer.intent == "dates"
    assert answerer.asked == [("科普日 几号", NOW)]


def test_fallbacks_are_recorded_anonymously(engine: Engine, writer: GroupCommit) -> None:
    service = _service(writer, FakeAnswerer())
    service.ask("科普日几号", user_id=42)
    service.ask("火星在哪", user_id=42)
    writer.flush()  # the question log is written behind the answer
    with Session(engine) as session:
        [row] = session.exec(select(UnansweredQuestion)).all()
    assert row.text == "火星在哪"
    assert row.asked_at == NOW
    assert row.user_hash == service.user_hash(42)
    assert "42" not in (row.user_hash or "")
    assert len(row.user_hash or "") == 64


def test_user_hash_depends_on_the_salt(writer: GroupCommit) -> None:
    a = _service(writer, FakeAnswerer(), salt=b"a")
    b = _service(writer, FakeAnswerer(), salt=b"b")
    assert a.user_hash(42) == a.user_hash(42) != b.user_hash(42)


def test_blank_questions_are_not_recorded(writer: GroupCommit) -> None:
    service = _service(writer, FakeAnswerer())
    service.ask("   ")
    assert service.unanswered() == []


def test_most_frequent_unanswered_first(writer: GroupCommit) -> None:
    for offset, question in enumerate(["甲", "乙", "乙", "丙", "乙", "丙"]):
        _service(writer, FakeAnswerer(), NOW + timedelta(minutes=offset)).ask(question)
    rows = _service(writer, FakeAnswerer()).unanswered(limit=2)  # flushes the log first
    assert [(r.text, r.count) for r in rows] == [("乙", 3), ("丙", 2)]
    assert rows[0].last_asked == NOW + timedelta(minutes=4)


def test_salt_is_kept_in_the_database_unless_configured(engine: Engine) -> None:
    first = ensure_salt(engine)
    assert first == ensure_salt(engine)
    assert len(first) == 32
    assert ensure_salt(engine, "configured") == b"configured"


async def test_ask_async_reads_the_store_off_the_loop_only(writer: GroupCommit) -> None:
    fresh, stale = FakeAnswerer(), FakeAnswerer(stale=True)
    assert (await _service(writer, fresh).ask_async("科普")).answered
    assert (await _service(writer, stale).ask_async("科普")).answered
    assert fresh.threads == [threading.get_ident()]  # in memory: on the event loop
    assert stale.threads != [threading.get_ident()]  # reads the store first: in a thread


def test_each_test_gets_its_own_database(db_url: str, template_db: Path) -> None:
    assert db_url != f"sqlite:///{template_db}"


def test_a_practical_question_the_notice_does_not_answer_is_kept_for_organizers(
    writer: GroupCommit, answerer: Answerer
) -> None:
    service = QuestionService(
        writer.engine, answerer, fixed_clock(NOW), salt=b"pepper", writer=writer
    )
    answer = service.ask("科普日活动要预约吗")
    assert answer.answered and "没有说明" in answer.text  # an honest answer, not a fallback
    assert [r.text for r in service.unanswered()] == ["科普日活动要预约吗"]
