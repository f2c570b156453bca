"""What the answerer says, checked on the reply text and the sources it names."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import yaml

from content import wording as W
from content.answers import Answerer
from content.compose import Composer
from content.db import create_db_engine
from content.importer import import_file
from content.lexicon import load_lexicon
from tests.content.conftest import TZ

NOW = datetime(2024, 9, 10, 12, tzinfo=TZ)
NOTICE_DIR = Path(__file__).parents[2] / "content" / "data" / "notice"


def test_organizer_list_is_complete_and_in_notice_order(notice_answerer: Answerer) -> None:
    organizers = yaml.safe_load((NOTICE_DIR / "organizers.yaml").read_text("utf-8"))["organizers"]
    answer = notice_answerer.answer("主办单位有哪些", NOW)
    assert answer.intent == "organizers"
    positions = [answer.text.index(o["name"]) for o in organizers]
    assert positions == sorted(positions)
    assert "20家" in answer.text
    assert len(answer.sources) == 20


def test_events_are_listed_by_time(events_answerer: Answerer) -> None:
    answer = events_answerer.answer("9月21日有什么活动", NOW)
    assert answer.intent == "events"
    kids, ai = answer.text.index("亲子科学实验秀"), answer.text.index("院士专家科普报告会")
    assert kids < ai  # 10:00 before 14:00
    assert "深空探测主题展" in answer.text  # a multi-day exhibition counts on every day


def test_district_filter_is_exact(events_answerer: Answerer) -> None:
    answer = events_answerer.answer("9月21日渝中区有什么活动", NOW)
    assert set(answer.sources) == {"t-ai-report", "t-kids-lab"}


def test_unannounced_facts_are_not_invented(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("启动仪式在哪里举办", NOW)
    assert "未公布" in answer.text
    assert "023—63003153" in answer.text  # names who to ask


def test_no_events_offers_alternatives(events_answerer: Answerer) -> None:
    answer = events_answerer.answer("9月17日北碚区有什么活动", NOW)
    assert "没有找到" in answer.text
    assert "9月22日" in answer.text  # the nearest day with an event there


def test_out_of_scope_is_a_fallback_with_a_contact(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("今天吃什么", NOW)
    assert answer.intent == "fallback"
    assert not answer.answered
    assert "023—63003153" in answer.text


def test_low_confidence_offers_suggestions(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("列车时刻表", NOW)  # near a name, not a question we know
    assert answer.intent == "fallback"
    assert 0 < len(answer.suggestions) <= 3
    assert any("科普列车川渝行" in s for s in answer.suggestions)
    assert all(s in answer.text for s in answer.suggestions)  # listed in the reply too


def test_countdown_follows_the_clock(notice_answerer: Answerer) -> None:
    before = notice_answerer.answer("还有几天开始", datetime(2024, 9, 1, 23, 30, tzinfo=TZ))
    during = notice_answerer.answer("还有几天结束", datetime(2024, 9, 20, 8, tzinfo=TZ))
    after = notice_answerer.answer("还有几天开始", datetime(2024, 10, 1, 8, tzinfo=TZ))
    assert "14天" in before.text
    assert "5天" in during.text
    assert "已经结束" in after.text


def test_a_repeated_question_is_remembered_until_the_minute_turns(
    notice_answerer: Answerer,
) -> None:
    last_second = datetime(2024, 9, 14, 23, 59, 59, tzinfo=TZ)
    first = notice_answerer.answer("还有几天开始", last_second.replace(second=1))
    again = notice_answerer.answer("还有几天开始", last_second)
    assert again is first  # the same minute: not worked out again
    assert "正在进行" not in first.text
    opening = notice_answerer.answer("还有几天开始", datetime(2024, 9, 15, 0, 0, 1, tzinfo=TZ))
    assert "正在进行中：今天是第1天" in opening.text


def test_an_import_is_seen_by_the_next_question(
    template_db: Path, tmp_path: Path, jieba_cache: Path
) -> None:
    db = tmp_path / "k.db"
    shutil.copyfile(template_db, db)
    engine = create_db_engine(f"sqlite:///{db}")
    answerer = Answerer(engine, tz=TZ, cache_dir=jieba_cache)
    assert "没有" in answerer.answer("合川区有什么活动", NOW).text
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "events:\n  - title: 钓鱼城地质科普行\n    start: 2024-09-18T09:00\n"
        "    district: 合川区\n    venue: 钓鱼城\n",
        encoding="utf-8",
    )
    import_file(engine, extra, TZ)
    answerer.reload()
    answer = answerer.answer("合川区有什么活动", NOW)
    assert "钓鱼城地质科普行" in answer.text
    assert "09:00" in answer.text  # naive times are campaign-local


def test_tonight_means_evening_events(events_answerer: Answerer) -> None:
    answer = events_answerer.answer("今晚有什么活动", datetime(2024, 9, 16, 9, tzinfo=TZ))
    assert "天文观测夜" in answer.text  # 19:00
    morning = events_answerer.answer("9月21日上午有什么活动", NOW)
    assert "亲子科学实验秀" in morning.text  # 10:00
    assert "院士专家科普报告会" not in morning.text  # 14:00


def test_every_related_question_is_answered_as_what_it_names(events_answerer: Answerer) -> None:
    """The buttons under answers ask questions the engine reads as the intended intent."""
    facts = Composer(events_answerer._snapshot(), NOW, load_lexicon()).facts()
    for intent, template in W.RELATED_QUESTIONS.items():
        question = template.format(**facts)
        assert events_answerer.answer(question, NOW).intent == intent, question
    assert set(W.RELATED_QUESTIONS) >= {n for names in W.RELATED.values() for n in names}


def test_an_ordinary_answer_has_related_questions(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("今年的主题是什么", NOW)
    assert answer.intent == "theme" and 1 <= len(answer.suggestions) <= 3
    assert not any("主题" in s for s in answer.suggestions)  # not the same question again


def test_no_related_question_about_what_the_store_lacks(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("主办单位有哪些", NOW)  # no venues or events imported
    assert answer.suggestions and not any("场馆" in s for s in answer.suggestions)
    dates = notice_answerer.answer("科普日什么时候开始", NOW)
    assert dates.suggestions and not any("有什么活动" in s for s in dates.suggestions)
