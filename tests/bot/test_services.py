from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.clock import fixed_clock
from bot.services import QuestionService, ShortKeys, ensure_salt
from content.answers import Answer
from content.db import create_db_engine
from content.models import UnansweredQuestion
from tests.conftest import NOW


class FakeAnswerer:
    """Answers questions containing 科普; everything else is a fallback."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, datetime]] = []

    def answer(self, question: str, now: datetime) -> Answer:
        self.asked.append((question, now))
        if "科普" in question:
            return Answer("答案", intent="dates", sources=("cq",))
        return Answer("暂时无法回答。", intent="fallback")

    def reload(self) -> None:
        pass


def _service(engine: Engine, answerer: FakeAnswerer, now: datetime = NOW) -> QuestionService:
    return QuestionService(engine, answerer, fixed_clock(now), salt=b"pepper")  # type: ignore[arg-type]


def _engine(db_url: str) -> Engine:
    return create_db_engine(db_url)


def test_answers_with_the_injected_clock(db_url: str) -> None:
    answerer = FakeAnswerer()
    answer = _service(_engine(db_url), answerer).ask("  科普日   几号 ")
    assert answer.intent == "dates"
    assert answerer.asked == [("科普日 几号", NOW)]


def test_fallbacks_are_recorded_anonymously(db_url: str) -> None:
    engine = _engine(db_url)
    service = _service(engine, FakeAnswerer())
    service.ask("科普日几号", user_id=42)
    service.ask("火星在哪", user_id=42)
    with Session(engine) as session:
        [row] = session.exec(select(UnansweredQuestion)).all()
    assert row.text == "火星在哪"
    assert row.asked_at == NOW
    assert row.user_hash == service.user_hash(42)
    assert "42" not in (row.user_hash or "")
    assert len(row.user_hash or "") == 64


def test_user_hash_depends_on_the_salt(db_url: str) -> None:
    engine = _engine(db_url)
    a = QuestionService(engine, FakeAnswerer(), fixed_clock(NOW), salt=b"a")  # type: ignore[arg-type]
    b = QuestionService(engine, FakeAnswerer(), fixed_clock(NOW), salt=b"b")  # type: ignore[arg-type]
    assert a.user_hash(42) == a.user_hash(42) != b.user_hash(42)


def test_blank_questions_are_not_recorded(db_url: str) -> None:
    service = _service(_engine(db_url), FakeAnswerer())
    service.ask("   ")
    assert service.unanswered() == []


def test_most_frequent_unanswered_first(db_url: str) -> None:
    engine = _engine(db_url)
    for offset, question in enumerate(["甲", "乙", "乙", "丙", "乙", "丙"]):
        _service(engine, FakeAnswerer(), NOW + timedelta(minutes=offset)).ask(question)
    rows = _service(engine, FakeAnswerer()).unanswered(limit=2)
    assert [(r.text, r.count) for r in rows] == [("乙", 3), ("丙", 2)]
    assert rows[0].last_asked == NOW + timedelta(minutes=4)


def test_salt_is_kept_in_the_database_unless_configured(db_url: str) -> None:
    engine = _engine(db_url)
    first = ensure_salt(engine)
    assert first == ensure_salt(engine)
    assert len(first) == 32
    assert ensure_salt(engine, "configured") == b"configured"


async def test_ask_async_runs_off_the_loop(db_url: str) -> None:
    answer = await _service(_engine(db_url), FakeAnswerer()).ask_async("科普")
    assert answer.answered


def test_short_keys_forget_the_oldest() -> None:
    keys = ShortKeys(capacity=2)
    first = keys.key_for("一")
    second = keys.key_for("二")
    keys.key_for("三")
    assert keys.text_for(first) is None
    assert keys.text_for(second) == "二"
    assert len(second) == 16


def test_each_test_gets_its_own_database(db_url: str, template_db: Path) -> None:
    assert db_url != f"sqlite:///{template_db}"
