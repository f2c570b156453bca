"""Validation of organizers' files: every problem reported, nothing half-written."""

from __future__ import annotations

from datetime import datetime

import pytest

from content.importer import ImportFailed, parse_import
from tests.content.conftest import TZ


def test_every_problem_is_listed_with_its_place() -> None:
    raw = (
        "events:\n"
        "  - title: 好活动\n    start: 2024-09-99\n"
        "  - start: 2024-09-20\n"
        "  - title: 倒着的\n    start: 2024-09-21T10:00\n    end: 2024-09-21T09:00\n"
        "speakers: []\n"
    ).encode()
    with pytest.raises(ImportFailed) as failed:
        parse_import(raw, "bad.yaml", TZ)
    problems = failed.value.problems
    assert any("speakers" in p for p in problems)
    assert any("events[1]" in p and "start" in p for p in problems)
    assert any("events[2]" in p and "title" in p for p in problems)
    assert any("events[3]" in p and "end is before start" in p for p in problems)


def test_naive_times_are_campaign_local_and_ids_are_stable() -> None:
    raw = "events:\n  - title: 夜观星空\n    start: 2024-09-20T19:30\n".encode()
    first = parse_import(raw, "a.yaml", TZ).events[0]
    again = parse_import(raw, "b.yaml", TZ).events[0]
    assert first.start == datetime(2024, 9, 20, 19, 30, tzinfo=TZ)
    assert first.id == again.id


def test_csv_rows_of_several_kinds() -> None:
    raw = (
        "type,title,start,name,district,question,answer\n"
        "event,夜观星空,2024-09-20,,渝中区,,\n"
        "venue,,,重庆科技馆,江北区,,\n"
        "faq,,,,,要预约吗,部分场馆需要预约\n"
    ).encode("utf-8-sig")
    batch = parse_import(raw, "mixed.csv", TZ)
    assert [len(batch.events), len(batch.venues), len(batch.faqs)] == [1, 1, 1]
    assert batch.events[0].all_day


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe\x00garbage", b"events: [", b"- just\n- a list\n", b"events: 3\n"],
)
def test_unreadable_files_are_refused(raw: bytes) -> None:
    with pytest.raises(ImportFailed):
        parse_import(raw, "x.yaml", TZ)


def test_csv_rows_of_unknown_kind_are_refused() -> None:
    with pytest.raises(ImportFailed, match="row 2"):
        parse_import(b"colour,size\nred,3\n", "x.csv", TZ)
