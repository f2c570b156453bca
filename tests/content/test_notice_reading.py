"""Reading notice questions: a reporting answer says how the deadline stands when the question
asks about now; a contact is found by part of its unit's name; cues survive light verbs and
dialect; two facts asked together are both answered; a quoted piece of the theme asks for it."""

from __future__ import annotations

from datetime import datetime

import pytest

from content.answers import Answerer
from tests.content.conftest import TZ


@pytest.mark.parametrize(
    ("now", "question", "said"),
    [
        (datetime(2024, 9, 26, 15, tzinfo=TZ), "总结材料是不是明天截止", "还有1天"),
        (datetime(2024, 9, 28, 10, tzinfo=TZ), "活动总结现在还能报送吗", "已过"),
        (datetime(2024, 9, 27, 9, tzinfo=TZ), "今天还来得及交总结材料吗", "今天就是"),
    ],
)
def test_a_reporting_answer_says_how_the_deadline_stands_now(
    notice_answerer: Answerer, now: datetime, question: str, said: str
) -> None:
    text = notice_answerer.answer(question, now).text
    assert said in text and "9月27日" in text, text


def test_a_reporting_answer_without_now_gives_no_countdown(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer("总结材料用什么格式", datetime(2024, 9, 28, tzinfo=TZ)).text
    assert "已过" not in text and "PDF" in text


def test_part_of_a_units_name_finds_its_contact(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer("普及部的联系电话", datetime(2024, 9, 10, tzinfo=TZ)).text
    assert "63003153" in text and "63589698" not in text


@pytest.mark.parametrize(
    ("question", "said"),
    [("科普日一共搞几天", "11天"), ("科普日总共举办几天", "11天"), ("你能干啥", "/help")],
)
def test_light_verbs_and_dialect_keep_the_cue(
    notice_answerer: Answerer, question: str, said: str
) -> None:
    assert said in notice_answerer.answer(question, datetime(2024, 9, 10, tzinfo=TZ)).text


def test_two_facts_asked_together_are_both_answered(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer(
        "今年的主题和指导思想分别是什么", datetime(2024, 9, 10, tzinfo=TZ)
    )
    assert "提升全民科学素质" in text.text and "指导思想" in text.text


def test_one_fact_asked_is_answered_alone(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer("今年的主题是什么", datetime(2024, 9, 10, tzinfo=TZ)).text
    assert "提升全民科学素质" in text and "指导思想" not in text


def test_a_quoted_piece_of_the_theme_asks_for_the_theme(notice_answerer: Answerer) -> None:
    answer = notice_answerer.answer("“建设科技强国”的上一句是啥", datetime(2024, 9, 10, tzinfo=TZ))
    assert "提升全民科学素质" in answer.text


def test_when_the_notice_was_sent_out(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer("这份文件是几月几日发的", datetime(2024, 9, 10, tzinfo=TZ)).text
    assert "2024年8月21日" in text, text
