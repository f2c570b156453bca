"""Chinese date expressions resolved against an injected clock."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.dates import DateContext, cn_number, parse_dates

CTX = DateContext(today=date(2024, 9, 18), default_year=2024, default_month=9)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("9月20日有什么活动", date(2024, 9, 20), None),
        ("9月20号", date(2024, 9, 20), None),
        ("9.20", date(2024, 9, 20), None),
        ("9/20有啥", date(2024, 9, 20), None),
        ("九月二十号", date(2024, 9, 20), None),
        ("二十号有什么", date(2024, 9, 20), None),
        ("2024-09-21", date(2024, 9, 21), None),
        ("2025年9月21日", date(2025, 9, 21), None),
        ("今天", date(2024, 9, 18), None),
        ("明天", date(2024, 9, 19), None),
        ("后天", date(2024, 9, 20), None),
        ("大后天", date(2024, 9, 21), None),
        ("昨天", date(2024, 9, 17), None),
        ("周末", date(2024, 9, 21), date(2024, 9, 22)),
        ("这周末", date(2024, 9, 21), date(2024, 9, 22)),
        ("下周末", date(2024, 9, 28), date(2024, 9, 29)),
        ("下周一", date(2024, 9, 23), None),
        ("星期五", date(2024, 9, 20), None),
        ("礼拜天", date(2024, 9, 22), None),
        ("下周", date(2024, 9, 23), date(2024, 9, 29)),
        ("国庆", date(2024, 10, 1), date(2024, 10, 7)),
        ("9月15日到20日", date(2024, 9, 15), date(2024, 9, 20)),
        ("9月15-20日", date(2024, 9, 15), date(2024, 9, 20)),
        ("9月28日至10月2日", date(2024, 9, 28), date(2024, 10, 2)),
        ("10月", date(2024, 10, 1), date(2024, 10, 31)),
    ],
)
def test_dates_are_understood(text: str, start: date, end: date | None) -> None:
    found, _rest = parse_dates(text, CTX)
    assert found is not None
    assert (found.start, found.end) == (start, end or start)


def test_the_date_is_taken_out_of_the_remaining_text() -> None:
    found, rest = parse_dates("9月21日渝中区有什么活动", CTX)
    assert found is not None and rest == "渝中区有什么活动"


@pytest.mark.parametrize("text", ["第七届是什么比赛", "还有多少天", "主题", "13月40日", "2月30日"])
def test_no_date_where_there_is_none(text: str) -> None:
    assert parse_dates(text, CTX)[0] is None


def test_a_bare_day_means_the_campaign_month_outside_the_campaign_year() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    ctx = DateContext.for_campaign(now, date(2024, 9, 15))
    found, _ = parse_dates("二十号", ctx)
    assert found is not None and found.start == date(2024, 9, 20)


@pytest.mark.parametrize(
    ("text", "value"),
    [("十", 10), ("十五", 15), ("二十", 20), ("三十一", 31), ("两", 2), ("二十五", 25)],
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert cn_number(text) == value


@given(st.text(max_size=60))
def test_any_text_gives_an_ordered_range_or_none(text: str) -> None:
    found, rest = parse_dates(text, CTX)
    if found is not None:
        assert found.start <= found.end
        assert len(rest) <= len(text) + 1
