"""Details read from where they are said (an age in the audience, a venue's hours), FAQ rules
kept to what they name, events found by a word's characters, and questions whose slot words
are context (blind6's failure classes, each written here with other data)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from content.answers import Answerer
from content.understanding import parse_question
from tests.content.conftest import TZ, _answerer

NOW = datetime(2024, 9, 10, 12, 0, tzinfo=TZ)
NOT_SAID = ("未公布", "未说明", "没有说明", "暂未", "尚未")

EVENTS = """
venues:
  - name: 綦江区版画馆
    district: 綦江区
    kind: 美术馆
    hours: "8:30-17:00"
  - name: 铜梁区龙灯广场
    district: 铜梁区
    kind: 广场
  - name: 大足石刻研究院
    district: 大足区
    kind: 研究院
events:
  - id: d-print
    title: 农民版画里的科学
    start: 2024-09-16
    end: 2024-09-24
    venue: 綦江区版画馆
    district: 綦江区
    audience: 公众
    description: 展出以农业科技为题材的版画60幅。免费参观。
  - id: d-lantern
    title: 铜梁龙灯里的力学
    start: 2024-09-18
    end: 2024-09-20
    venue: 铜梁区龙灯广场
    district: 铜梁区
    description: 讲解龙灯舞动中的平衡与力学原理。
  - id: d-silk
    title: 丝绸与桑蚕科普课
    start: 2024-09-21T14:00:00+08:00
    end: 2024-09-21T16:00:00+08:00
    venue: 大足石刻研究院
    district: 大足区
    audience: 亲子家庭（8-12岁儿童）
    description: 观察蚕宝宝吐丝，动手缫丝。免费，限30人。
  - id: d-birds
    title: 长寿湖观鸟科普行
    start: 2024-09-22T08:00:00+08:00
    end: 2024-09-22T11:00:00+08:00
    district: 长寿区
    description: 跟随鸟类专家辨认候鸟，限20人。
faqs:
  - id: faq-d-print-parking
    question: 綦江区版画馆可以停车吗
    answer: 版画馆门前有20个免费车位。
    keywords: [停车, 车位]
"""


@pytest.fixture(scope="module")
def answerer(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory, jieba_cache: Path
) -> Answerer:
    folder = tmp_path_factory.mktemp("details")
    events = folder / "events.yaml"
    events.write_text(EVENTS, encoding="utf-8")
    return _answerer(template_db, folder, jieba_cache, events)


def ask(answerer: Answerer, question: str, now: datetime = NOW) -> str:
    return answerer.answer(question, now).text


def test_an_age_limit_is_read_from_the_events_audience(answerer: Answerer) -> None:
    assert "8-12岁" in ask(answerer, "丝绸与桑蚕科普课多大的孩子能去")


def test_an_age_nobody_states_is_said_to_be_unannounced(answerer: Answerer) -> None:
    text = ask(answerer, "铜梁龙灯里的力学几岁可以参加")
    assert "铜梁龙灯里的力学" in text and any(w in text for w in NOT_SAID)


def test_an_all_day_events_hours_are_its_venues(answerer: Answerer) -> None:
    assert "8:30-17:00" in ask(answerer, "农民版画里的科学几点开门")


def test_hours_neither_event_nor_venue_gives_are_unannounced(answerer: Answerer) -> None:
    text = ask(answerer, "铜梁龙灯里的力学几点关门")
    assert "开放时间" in text and any(w in text for w in NOT_SAID)


def test_an_faq_naming_one_venue_is_no_rule_for_another(answerer: Answerer) -> None:
    own = ask(answerer, "农民版画展能停车吗")
    assert "20个免费车位" in own
    other = ask(answerer, "铜梁龙灯里的力学能停车吗")
    assert "20个免费车位" not in other and any(w in other for w in NOT_SAID)


def test_pets_are_a_practical_aspect(answerer: Answerer) -> None:
    text = ask(answerer, "丝绸与桑蚕科普课可以带狗吗")
    assert "宠物" in text and any(w in text for w in NOT_SAID)


def test_an_event_is_found_by_the_characters_of_a_colloquial_word(answerer: Answerer) -> None:
    assert "丝绸与桑蚕科普课" in ask(answerer, "大足蚕丝那个课是哪天")


def test_a_bare_place_with_a_light_verb_lists_its_events(answerer: Answerer) -> None:
    assert "铜梁龙灯里的力学" in ask(answerer, "铜梁搞啥子")


def test_where_the_asker_lives_does_not_hijack_the_campaign_dates(answerer: Answerer) -> None:
    text = ask(answerer, "我家娃读四年级，住在綦江，科普日是好久开始哦")
    assert "9月15日" in text and "没有找到" not in text


def test_a_choice_of_months_is_answered_with_the_dates(answerer: Answerer) -> None:
    assert "9月15日" in ask(answerer, "科普日是八月还是九月")


def test_today_as_the_last_day(answerer: Answerer) -> None:
    last = datetime(2024, 9, 25, 9, 0, tzinfo=TZ)
    assert "最后一天" in ask(answerer, "今天是重点活动最后一天吗", last)


def test_an_area_code_names_the_contact_with_it(answerer: Answerer) -> None:
    text = ask(answerer, "那个010开头的电话是做什么的")
    assert "技术运营" in text


def test_a_contacts_detail_the_notice_lacks_is_said_to_be_unsaid(answerer: Answerer) -> None:
    text = ask(answerer, "蒙昌乐的邮箱是什么")
    assert "蒙昌乐" in text and "通知未说明邮箱" in text


def test_a_practical_question_about_an_unknown_thing_is_honest(answerer: Answerer) -> None:
    for question in ("科普日期间公交车免费吗", "成都动物园门票多少钱"):
        answer = answerer.answer(question, NOW)
        assert answer.intent == "fallback", question  # no FAQ rule of the events stands in
        assert "免费" not in answer.text and "邹小龙" in answer.text


def test_the_submission_categories_come_from_the_feature_card(answerer: Answerer) -> None:
    text = ask(answerer, "投稿能选哪些类别")
    assert all(c in text for c in ("健康", "航天", "防灾"))


def test_a_bare_weekday_is_the_coming_one(answerer: Answerer) -> None:
    tuesday = datetime(2024, 9, 17, 12, 0, tzinfo=TZ)  # the lantern runs 18–20 September
    text = ask(answerer, "周四有什么活动", tuesday)
    assert "9月19日" in text and "铜梁龙灯里的力学" in text


def test_an_audience_narrows_and_an_unknown_word_does_not_empty_it(answerer: Answerer) -> None:
    text = ask(answerer, "小娃娃喜欢虫子有啥活动")
    assert "丝绸与桑蚕科普课" in text and "没有找到" not in text


def test_going_out_with_a_date_and_a_child_lists_the_events(answerer: Answerer) -> None:
    friday = datetime(2024, 9, 20, 12, 0, tzinfo=TZ)
    assert "丝绸与桑蚕科普课" in ask(answerer, "这周末带娃去哪", friday)


def test_the_national_lead_body_is_not_one_of_the_local_organizers(answerer: Answerer) -> None:
    text = ask(answerer, "中国科协是不是重庆这次活动的主办单位")
    assert "21部门" in text and "不在其中" in text and "是的" not in text


def test_a_mobile_number_the_notice_lacks_is_said_to_be_unsaid(answerer: Answerer) -> None:
    assert "通知未说明手机号" in ask(answerer, "邹小龙的手机号码多少")


def test_a_districts_one_event_answers_a_practical_question(answerer: Answerer) -> None:
    text = ask(answerer, "大足那个课要不要预约")
    assert "丝绸与桑蚕科普课" in text and "限30人" in text


def test_the_weekday_of_a_date_is_said(answerer: Answerer) -> None:
    text = ask(answerer, "2024年9月21日是星期几")
    assert "9月21日是周六" in text


def test_a_wrong_guess_of_the_theme_gets_the_theme(answerer: Answerer) -> None:
    text = ask(answerer, "今年科普日主题是不是保护环境")
    assert "提升全民科学素质" in text


def test_a_theme_exhibition_is_no_question_about_the_theme(answerer: Answerer) -> None:
    text = ask(answerer, "看主题展览要买门票吗")
    assert "提升全民科学素质" not in text and any(w in text for w in NOT_SAID)


def test_ones_own_rows_win_over_a_close_how_to(answerer: Answerer) -> None:
    answer = answerer.answer("我的投稿被拒了为啥", NOW)
    assert answer.intent == "personal_submissions" and "/mine" in answer.text


def test_a_measure_word_after_the_verb_is_no_obstacle(answerer: Answerer) -> None:
    assert "/submit" in ask(answerer, "我想交个视频怎么弄")


def test_a_word_the_titles_split_is_still_the_events_word(answerer: Answerer) -> None:
    # 观鸟 is no word of the title's segmentation (湖观 / 鸟), but its characters stand side by
    # side there: a word of the store, not an unknown one that would make the event unlisted
    k = answerer._snapshot()
    parsed = parse_question("那个观鸟的是哪天", NOW, k, answerer._analyzer)
    assert "观鸟" in parsed.topic_words and "观鸟" not in parsed.unknown_words
    assert "长寿湖观鸟科普行" in ask(answerer, "那个观鸟的是哪天")


def test_a_venue_named_with_the_short_district_name(answerer: Answerer) -> None:
    text = ask(answerer, "綦江版画馆几点开门")
    assert "8:30-17:00" in text


def test_whether_a_venue_is_open_on_a_day_is_its_hours(answerer: Answerer) -> None:
    text = ask(answerer, "綦江区版画馆这周末开吗")
    assert "8:30-17:00" in text and "没有找到" not in text


def test_an_audience_going_out_without_a_date_lists_its_events(answerer: Answerer) -> None:
    assert "丝绸与桑蚕科普课" in ask(answerer, "带娃去哪里参加活动好")


def test_a_practical_question_about_another_city_is_not_ours(answerer: Answerer) -> None:
    answer = answerer.answer("上海自然博物馆要预约吗", NOW)
    assert answer.intent == "fallback"


def test_a_yes_or_no_with_a_not_between_is_a_yes_or_no(answerer: Answerer) -> None:
    text = ask(answerer, "中秋节在不在科普日重点活动时间里面")
    assert "9月17日" in text and "9月15日" in text


def test_a_second_question_after_then(answerer: Answerer) -> None:
    text = ask(answerer, "科普日几号开始然后主题是什么")
    assert "9月15日" in text and "提升全民科学素质" in text


def test_a_first_person_thing_is_no_unlisted_event(answerer: Answerer) -> None:
    text = ask(answerer, "我投过的稿在哪里看")
    assert "/mine" in text and "已发布的活动里没有" not in text


def test_the_weekday_of_the_campaigns_end(answerer: Answerer) -> None:
    text = ask(answerer, "科普日闭幕那天是星期几")
    assert "周三" in text


def test_the_key_activities_are_no_event_topic(answerer: Answerer) -> None:
    answer = answerer.answer("重点活动信息可以在哪里发布", NOW)
    assert answer.intent != "event_detail" and "kepuri.cn" in answer.text


def test_whether_a_festival_is_within_the_window(answerer: Answerer) -> None:
    answer = answerer.answer("中秋节那天还在科普日时间里吗", NOW)
    assert answer.intent == "dates" and "9月17日" in answer.text


def test_a_colloquial_import_is_the_import_card(answerer: Answerer) -> None:
    assert "kepubot import" in ask(answerer, "组织者怎么把活动表导进去")
