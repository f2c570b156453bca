"""FAQ cards written from chat: the store, the audit trail, the export, the answers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from bot.clock import fixed_clock
from bot.organizers.faqs import FaqBook, FaqError, most_unanswered
from content.answers import Answerer
from content.db import session_scope
from content.importer import apply_import, export_data, parse_import
from content.models import UnansweredQuestion
from content.seed import content_revision
from tests.conftest import NOW, TZ

QUESTION = "场馆里可以带宠物吗"


def ask_unanswered(engine: Engine, text: str, times: int) -> None:
    with session_scope(engine) as session:
        for n in range(times):
            session.add(UnansweredQuestion(text=text, asked_at=NOW - timedelta(minutes=n)))


def test_teaching_bumps_the_revision_and_answers_the_question(
    engine: Engine, jieba_cache: Path
) -> None:
    answerer = Answerer(engine, tz=TZ, cache_dir=jieba_cache)  # another process's, say
    before_teaching = answerer.answer(QUESTION, NOW)
    assert before_teaching.unsaid and "不能带宠物" not in before_teaching.text
    ask_unanswered(engine, QUESTION, 2)
    ask_unanswered(engine, "場館裡，可以帶寵物嗎？", 1)
    ask_unanswered(engine, "月球上有科普日吗", 1)
    before = content_revision(engine)
    card = FaqBook(engine, fixed_clock(NOW)).teach(f" {QUESTION} ", "不能带宠物。", by=42)
    assert content_revision(engine) == before + 1
    assert [row.text for row in most_unanswered(engine)] == ["月球上有科普日吗"]
    answerer.reload()  # what the revision check does within a few seconds
    answer = answerer.answer(QUESTION + "？", NOW)
    assert (answer.text, answer.intent, answer.sources) == ("不能带宠物。", "faq", (card.id,))


def test_bad_answers_and_unknown_cards_are_refused(engine: Engine) -> None:
    book = FaqBook(engine, fixed_clock(NOW))
    with pytest.raises(FaqError, match="空"):
        book.teach(QUESTION, "  ", by=1)
    with pytest.raises(FaqError, match="太长"):
        book.teach(QUESTION, "长" * 2001, by=1)
    with pytest.raises(FaqError, match="没有问答卡片"):
        book.edit("no-such-card", "回答", by=1)
    with pytest.raises(FaqError, match="没有问答卡片"):
        book.delete("no-such-card", by=1)
    assert book.cards() == [] and book.changes() == []


def test_the_export_carries_the_audit_trail_and_imports_again(engine: Engine) -> None:
    book = FaqBook(engine, fixed_clock(NOW))
    card = book.teach(QUESTION, "不能。", by=42)
    book.edit(card.id, "导盲犬除外，其他宠物不能带入。", by=43)
    exported = yaml.safe_load(export_data(engine, TZ))
    [faq] = [f for f in exported["faqs"] if f["id"] == card.id]
    assert faq["answer"] == "导盲犬除外，其他宠物不能带入。"
    created, edited = exported["faq_changes"]
    assert (created["action"], created["by"], created["before"]) == ("create", 42, None)
    assert (edited["action"], edited["by"]) == ("edit", 43)
    assert edited["before"]["answer"] == "不能。"
    assert edited["after"]["answer"] == "导盲犬除外，其他宠物不能带入。"
    assert edited["at"] == NOW.isoformat()
    again = parse_import(export_data(engine, TZ).encode(), "export.yaml", TZ)
    report = apply_import(engine, again)
    assert not report.changed  # the history section is not data: a round trip changes nothing
