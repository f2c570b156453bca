"""Answer cards and the confidence gate: the bot's features, national vs local, ask-back,
English questions, organizers' FAQ entries as cards."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from content.answers import Answerer
from content.cards import ANSWER, ASK_BACK, CARDS_DIR, CardIndex, load_cards
from content.db import create_db_engine
from content.importer import import_file
from content.text import normalize
from tests.content.conftest import CONTENT_DATA, TZ

NOW = datetime(2024, 9, 10, 12, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("question", "command"),
    [
        ("如何开启每天的活动推送", "/subscribe"),
        ("看看别人通过审核的视频", "/showcase"),
        ("这个机器人都有哪些功能", "/subscribe"),
    ],
)
def test_feature_questions_name_the_command(
    notice_answerer: Answerer, question: str, command: str
) -> None:
    answer = notice_answerer.answer(question, NOW)
    assert command in answer.text, answer.text


def test_feature_cards_name_the_running_bots_defaults(
    template_db: Path, tmp_path: Path, jieba_cache: Path
) -> None:
    db = tmp_path / "k.db"
    shutil.copyfile(template_db, db)
    engine = create_db_engine(f"sqlite:///{db}")
    answerer = Answerer(engine, tz=TZ, cache_dir=jieba_cache, settings={"digest_time": "07:45"})
    assert "07:45" in answerer.answer("每日提醒默认几点发送", NOW).text


def test_every_card_file_entry_is_complete() -> None:
    for path in CARDS_DIR.glob("*.yaml"):
        for card in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]:
            assert card["title"] and card["text"] and card["examples"], card["id"]
    cards = load_cards({})
    assert all("{" not in c.text for c in cards)  # every placeholder filled


def test_national_and_local_organizers_are_kept_apart(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("全国层面是哪些部门发起科普日的", NOW)
    assert "中国科协等21部门" in answer.text and "科协发普字〔2024〕28号" in answer.text
    local = notice_answerer.answer("重庆的科普日有哪些主办单位", NOW)
    assert "市科协" in local.text and "21部门" not in local.text


def test_an_organizers_full_name(notice_answerer: Answerer) -> None:
    assert "重庆市妇女联合会" in notice_answerer.answer("市妇联全称", NOW).text


def test_the_gate_orders_answer_ask_back_and_fallback() -> None:
    assert 0 < ASK_BACK < ANSWER < 1
    index = CardIndex(load_cards({}), background=["科普日活动 科普视频 平台 发布"])
    [top, *_] = index.rank(normalize("怎么取消订阅"))
    assert top.card.id == "feature-unsubscribe" and top.confidence >= ANSWER
    assert not index.rank(normalize("股票怎么开户")) or (
        index.rank(normalize("股票怎么开户"))[0].confidence < ANSWER
    )


def test_a_middle_confidence_asks_back_with_at_most_three_cards(
    notice_answerer: Answerer,
) -> None:
    answer = notice_answerer.answer("作品交了怎么看", NOW)  # mine, or the showcase
    assert answer.intent == "clarify"
    assert 1 <= len(answer.suggestions) <= 3
    assert answer.suggestions[0] in answer.text


def test_an_english_question_gets_an_english_reply(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("When does the science day start?", NOW)
    assert "September 15–25, 2024" in answer.text and "in Chinese" in answer.text
    assert "9月15日" in answer.text
    unknown = notice_answerer.answer("Can I bring my dog?", NOW)
    assert unknown.intent == "fallback" and "September" in unknown.text


def test_an_imported_faq_is_a_card_at_once(
    template_db: Path, tmp_path: Path, jieba_cache: Path
) -> None:
    db = tmp_path / "k.db"
    shutil.copyfile(template_db, db)
    engine = create_db_engine(f"sqlite:///{db}")
    answerer = Answerer(engine, tz=TZ, cache_dir=jieba_cache)
    assert answerer.answer("雨伞寄存", NOW).intent == "fallback"
    faq = tmp_path / "faq.yaml"
    faq.write_text(
        "faqs:\n  - id: faq-umbrella\n    question: 场馆能寄存雨伞吗\n"
        "    answer: 各场馆入口都有免费雨伞寄存处。\n    keywords: [雨伞, 寄存]\n",
        encoding="utf-8",
    )
    import_file(engine, faq, TZ)
    answerer.reload()
    assert "雨伞寄存处" in answerer.answer("雨伞寄存", NOW).text


def test_sample_events_still_filter_by_slots(events_answerer: Answerer) -> None:
    text = events_answerer.answer("9月21日渝中区有什么活动", NOW).text
    assert "院士专家科普报告会" in text
    assert CONTENT_DATA.exists()
