"""Event answers by kind of question (issue 21): relative windows and what is still to come,
festivals by name, official district names, declared audiences, organizers' FAQ rules under
an event, partial event names, and slot words that must not take over another question."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.answers import Answerer
from content.dates import HOLIDAYS, DateContext, parse_dates
from content.knowledge import district_forms
from tests.content.conftest import TZ, _answerer

EVENTS = """
venues:
  - name: 北碚区青少年创客空间
    district: 北碚区
    kind: 创客空间
events:
  - id: t-comet
    title: 「彗星来了」天体摄影主题展
    start: 2024-09-14
    end: 2024-09-29
    venue: 渝北区天文馆
    district: 渝北
    audience: 公众
    description: 每日9:00-17:00开放。
  - id: t-robot
    title: 机器人编程工作坊
    start: 2024-09-16T14:00:00+08:00
    end: 2024-09-16T16:00:00+08:00
    venue: 北碚区青少年创客空间
    district: 北碚区
    audience: 初中生
    description: 现场体验，限30人。
  - id: t-picture
    title: 科学绘本亲子共读
    start: 2024-09-21T10:00:00+08:00
    end: 2024-09-21T11:30:00+08:00
    venue: 石柱县图书馆
    district: 石柱县
    audience: 亲子家庭
    description: 免费，无需预约。
  - id: t-moon
    title: 月相观察夜
    start: 2024-09-17T19:00:00+08:00
    end: 2024-09-17T21:00:00+08:00
    venue: 南山观景台
    district: 南岸区
    audience: 亲子家庭
    description: 带上望远镜。
  - id: t-uni
    title: 高校实验室开放日
    start: 2024-09-24T14:00:00+08:00
    end: 2024-09-24T17:00:00+08:00
    venue: 某大学
    district: 沙坪坝区
    audience: 大学生
    description: 凭学生证入场。
  - id: t-online
    title: 院士谈深海探测
    start: 2024-09-19T19:30:00+08:00
    end: 2024-09-19T21:00:00+08:00
    venue: 线上
    district: 全市
    audience: 公众
    description: 视频号直播。
  - id: t-creators
    title: 千万IP创科普：短视频拍摄课
    start: 2024-09-20T19:00:00+08:00
    end: 2024-09-20T20:00:00+08:00
    venue: 线上
    district: 全市
  - id: t-double-ninth
    title: 银发健康科普讲座
    start: 2024-10-11T09:30:00+08:00
    end: 2024-10-11T11:00:00+08:00
    venue: 社区活动中心
    district: 渝中区
    audience: 老年人
faqs:
  - id: t-faq-fee
    question: 活动收费吗
    answer: 列出的所有活动都免费参加。
    keywords: [收费, 免费, 门票, 要钱]
  - id: t-faq-booking
    question: 活动要预约吗
    answer: 各活动的预约方式见活动说明；未写明的，到场即可参加。
    keywords: [预约, 报名, 名额]
"""


@pytest.fixture(scope="module")
def answerer(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory, jieba_cache: Path
) -> Answerer:
    folder = tmp_path_factory.mktemp("issue21")
    events = folder / "events.yaml"
    events.write_text(EVENTS, encoding="utf-8")
    return _answerer(template_db, folder, jieba_cache, events)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


# -- relative windows --------------------------------------------------------------------


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
def test_this_week_next_week_and_the_weekend_are_the_clocks_own(today: date) -> None:
    ctx = DateContext(today=today, default_year=today.year, default_month=today.month)
    this_week, _ = parse_dates("这周有什么活动", ctx)
    next_week, _ = parse_dates("下周有什么活动", ctx)
    weekend, _ = parse_dates("这个周末有什么活动", ctx)
    assert this_week and next_week and weekend
    assert this_week.start <= today <= this_week.end and this_week.days == 7
    assert this_week.start.weekday() == 0 and next_week.start == this_week.end + timedelta(1)
    assert (weekend.start, weekend.end) == (this_week.end - timedelta(1), this_week.end)


def test_what_is_still_to_come_counts_from_today_and_a_window_otherwise_whole(
    answerer: Answerer,
) -> None:
    wednesday = _at(date(2024, 9, 18))
    whole = answerer.answer("这周有哪些活动", wednesday).text
    assert "机器人编程工作坊" in whole  # Monday of this week
    still = answerer.answer("这周还有哪些活动", wednesday).text
    assert "机器人编程工作坊" not in still and "科学绘本亲子共读" in still
    assert "「彗星来了」天体摄影主题展" in still  # running today
    ahead = answerer.answer("接下来还有什么活动", wednesday).text
    assert "月相观察夜" not in ahead and "高校实验室开放日" in ahead
    sunday = answerer.answer("这个周末有什么活动", _at(date(2024, 9, 22))).text
    assert "9月21日—9月22日" in sunday and "科学绘本亲子共读" in sunday


# -- festivals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "name", "day"),
    [
        (2024, "中秋", date(2024, 9, 17)),
        (2025, "中秋", date(2025, 10, 6)),
        (2024, "重阳", date(2024, 10, 11)),
        (2023, "重阳", date(2023, 10, 23)),
        (2024, "端午", date(2024, 6, 10)),
        (2024, "国庆", date(2024, 10, 1)),
    ],
)
def test_festivals_are_worked_out_for_the_campaigns_year(year: int, name: str, day: date) -> None:
    ctx = DateContext(today=date(year, 9, 1), default_year=year, default_month=9)
    found, _ = parse_dates(f"{name}节有什么活动", ctx)
    assert found is not None and found.start == day and found.holiday == name
    assert found.days == HOLIDAYS[name].days


def test_eleven_as_a_number_is_no_national_day() -> None:
    ctx = DateContext(today=date(2024, 9, 1), default_year=2024, default_month=9)
    found, _ = parse_dates("科普日一共十一天吗", ctx)
    assert found is None or found.holiday is None


def test_a_festival_in_and_outside_the_campaign(answerer: Answerer) -> None:
    now = _at(date(2024, 9, 10))
    mid_autumn = answerer.answer("中秋节有什么科普活动", now).text
    assert "中秋（9月17日）" in mid_autumn and "月相观察夜" in mid_autumn
    double_ninth = answerer.answer("重阳节有活动吗", now).text
    assert "银发健康科普讲座" in double_ninth and "10月11日" in double_ninth
    national = answerer.answer("国庆节有科普活动吗", now).text
    assert national.startswith("没有找到国庆（10月1日—10月7日）的活动")
    assert "重点活动集中在9月15日至9月25日" in national  # honest about the campaign dates
    assert "10月1日（" not in national.split("有活动的日期")[-1]


# -- official names ------------------------------------------------------------------------


def test_an_autonomous_county_has_its_common_forms() -> None:
    forms = district_forms("彭水苗族土家族自治县", ["彭水"])
    assert {"彭水县", "彭水自治县", "彭水苗族自治县", "彭水"} <= set(forms)
    assert district_forms("渝中区", ["渝中"]) == ["渝中区", "渝中"]


@pytest.mark.parametrize("name", ["石柱土家族自治县", "石柱县", "石柱自治县", "石柱"])
def test_a_district_is_found_by_any_of_its_names(answerer: Answerer, name: str) -> None:
    text = answerer.answer(f"{name}有什么活动", _at(date(2024, 9, 18))).text
    assert "科学绘本亲子共读" in text and "石柱土家族自治县" in text


# -- audiences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("亲子活动有哪些", "科学绘本亲子共读"),
        ("带娃可以参加什么", "月相观察夜"),
        ("初中生能参加哪些活动", "机器人编程工作坊"),
        ("适合孩子参加的活动", "机器人编程工作坊"),  # the notice has activities for them too
        ("大学生有什么活动", "高校实验室开放日"),
    ],
)
def test_an_audience_finds_the_events_that_declare_it(
    answerer: Answerer, question: str, title: str
) -> None:
    assert title in answerer.answer(question, _at(date(2024, 9, 10))).text


def test_a_longer_audience_word_hides_the_shorter_one_inside_it(answerer: Answerer) -> None:
    text = answerer.answer("大学生有什么活动", _at(date(2024, 9, 10))).text
    assert "机器人编程工作坊" not in text  # 大学生 is no 学生 of the 青少年


def test_events_that_declare_the_audience_come_before_those_open_to_anyone(
    answerer: Answerer,
) -> None:
    text = answerer.answer("亲子活动有哪些", _at(date(2024, 9, 10))).text
    declared = max(text.index("月相观察夜"), text.index("科学绘本亲子共读"))
    assert declared < text.index("千万IP创科普：短视频拍摄课")  # declares no audience


def test_none_on_a_topic_says_the_topic(answerer: Answerer) -> None:
    text = answerer.answer("9月21日有机器人的活动吗", _at(date(2024, 9, 10))).text
    assert text.startswith("没有找到9月21日与“机器人”相关的活动"), text
    assert "9月16日（1场）" in text


def test_a_place_name_is_no_audience(answerer: Answerer) -> None:
    text = answerer.answer("北碚区青少年创客空间有什么活动", _at(date(2024, 9, 10))).text
    assert "机器人编程工作坊" in text and "面向" not in text


# -- organizers' FAQ rules -----------------------------------------------------------------


def test_an_organizers_rule_answers_for_an_event_that_says_nothing(answerer: Answerer) -> None:
    text = answerer.answer("月相观察夜收费吗", _at(date(2024, 9, 10))).text
    assert "月相观察夜" in text and "列出的所有活动都免费参加" in text
    assert "暂未公布" not in text


def test_an_events_own_text_answers_before_any_rule(answerer: Answerer) -> None:
    text = answerer.answer("科学绘本亲子共读要预约吗", _at(date(2024, 9, 10))).text
    assert "无需预约" in text and "暂未公布" not in text


def test_a_rule_answers_alone(answerer: Answerer) -> None:
    assert "免费" in answerer.answer("活动要钱吗", _at(date(2024, 9, 10))).text


# -- partial names and description words ---------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expect"),
    [("彗星展到哪天结束", "9月29日"), ("天体摄影展在哪", "渝北区天文馆")],
)
def test_a_distinctive_word_of_a_title_names_the_event(
    answerer: Answerer, question: str, expect: str
) -> None:
    answer = answerer.answer(question, _at(date(2024, 9, 10)))
    assert answer.intent == "event_detail" and expect in answer.text, answer.text


def test_a_description_word_finds_the_event(answerer: Answerer) -> None:
    text = answerer.answer("有哪些直播活动", _at(date(2024, 9, 10))).text
    assert "院士谈深海探测" in text and "机器人编程工作坊" not in text


def test_which_ones_is_no_place_question(answerer: Answerer) -> None:
    answer = answerer.answer("千万IP创科普能在哪些平台发", _at(date(2024, 9, 10)))
    assert "抖音" in answer.text and answer.intent != "event_detail", answer.text


# -- slots do not take over ----------------------------------------------------------------


def test_a_district_and_a_child_do_not_hijack_a_question_about_the_campaign_dates(
    answerer: Answerer,
) -> None:
    question = "我家孩子在北碚区上初中，想问一下今年科普日是从哪天到哪天"
    answer = answerer.answer(question, _at(date(2024, 9, 10)))
    assert answer.intent == "dates" and "9月15日" in answer.text and "9月25日" in answer.text
