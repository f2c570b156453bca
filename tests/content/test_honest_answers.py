"""Practical aspects read from an event's and a venue's own text, questions on another
subject, and particulars the notice does not say (blind5's failure classes)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from content.answers import Answerer
from tests.content.conftest import TZ, _answerer

NOW = datetime(2024, 9, 10, 12, 0, tzinfo=TZ)
NOT_SAID = ("未公布", "未说明", "没有说明", "暂未", "尚未")

EVENTS = """
venues:
  - name: 南岸区天文台
    district: 南岸区
    kind: 天文台
    description: 位于南山山顶，夜间风大，请带外套；台内设停车场，小型车免费停放。
  - name: 綦江区农技站
    district: 綦江区
    kind: 农技站
events:
  - id: h-lecture
    title: 长江鲟保护讲座
    start: 2024-09-18T19:00:00+08:00
    end: 2024-09-18T20:30:00+08:00
    venue: 南岸区天文台
    district: 南岸区
    description: 免费，报告厅共80个座位，需自带午餐的研学另行通知。
  - id: h-farm
    title: 柑橘嫁接技术培训
    start: 2024-09-19T09:00:00+08:00
    end: 2024-09-19T12:00:00+08:00
    venue: 綦江区农技站
    district: 綦江区
    description: 免费，无需预约。
faqs:
  - id: faq-h-rain
    question: 下雨活动会取消吗
    answer: 户外活动遇雨顺延，室内活动照常举行。
    keywords: [下雨, 天气, 顺延]
"""


@pytest.fixture(scope="module")
def answerer(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory, jieba_cache: Path
) -> Answerer:
    folder = tmp_path_factory.mktemp("honest")
    events = folder / "events.yaml"
    events.write_text(EVENTS, encoding="utf-8")
    return _answerer(template_db, folder, jieba_cache, events)


def test_an_aspect_the_event_says_is_answered_from_its_text(answerer: Answerer) -> None:
    assert "80个座位" in answerer.answer("长江鲟讲座有好多座位", NOW).text


def test_an_aspect_its_venue_says_is_answered_from_the_venue(answerer: Answerer) -> None:
    assert "外套" in answerer.answer("长江鲟保护讲座晚上冷不冷，要带啥", NOW).text
    assert "停车场" in answerer.answer("去南岸区天文台好停车不", NOW).text


def test_an_aspect_nothing_says_is_not_announced(answerer: Answerer) -> None:
    answer = answerer.answer("柑橘嫁接技术培训有多少个座位", NOW)
    assert answer.intent != "fallback" and any(w in answer.text for w in NOT_SAID)
    assert "座位" in answer.text
    venue = answerer.answer("綦江区农技站好停车不", NOW).text
    assert any(w in venue for w in NOT_SAID) and "联系方式" not in venue


def test_an_organizers_rule_answers_for_the_event(answerer: Answerer) -> None:
    assert "顺延" in answerer.answer("柑橘嫁接技术培训要是下雨咋办", NOW).text


@pytest.mark.parametrize(
    "question", ["iPhone16多少钱", "下期双色球号码是好多", "明天重庆会下雨吗", "今天天气怎么样"]
)
def test_another_subject_falls_back_without_a_faq_or_contacts(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question, NOW)
    assert answer.intent == "fallback"
    assert "顺延" not in answer.text and "蒙昌乐" not in answer.text


def test_a_rain_question_about_the_campaign_still_gets_the_rule(answerer: Answerer) -> None:
    assert "顺延" in answerer.answer("下雨活动会取消吗", NOW).text


def test_another_year_is_said_to_be_unannounced(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer("2025年科普日是什么时候", NOW).text
    assert "2025年的尚未公布" in text and "9月15日" in text


def test_a_particular_the_fact_lacks_is_said_unsaid(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer("总结交晚了会怎么样", NOW).text
    assert "通知未说明后果" in text and "9月27日" in text
    assert "未说明" not in notice_answerer.answer("总结什么时候交", NOW).text


def test_the_weekday_of_the_start_when_asked(notice_answerer: Answerer) -> None:
    assert "周日" in notice_answerer.answer("科普日是星期几开始的", NOW).text


def test_a_unit_among_those_who_report_is_told_yes(notice_answerer: Answerer) -> None:
    text = notice_answerer.answer("我们是园区科协，也要交活动总结吗", NOW).text
    assert text.startswith("需要。园区科协在报送单位之列")
