"""A property of every event answer: it lists exactly the events that meet the question's
day, district and audience, and it never says "none" for a day, district or audience and then
lists events for it (over generated event lists, districts spelled in any of their forms)."""

from __future__ import annotations

import re
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.content.conftest import TZ, _answerer

NOW = datetime(2024, 9, 18, 10, 0, tzinfo=TZ)
# official name -> the forms an import or a question may use
DISTRICTS = {
    "渝中区": ("渝中区", "渝中"),
    "北碚区": ("北碚区", "北碚"),
    "石柱土家族自治县": ("石柱土家族自治县", "石柱县", "石柱自治县", "石柱"),
    "彭水苗族土家族自治县": ("彭水苗族土家族自治县", "彭水县", "彭水苗族自治县"),
}
# audience an event declares -> the words a question may ask with
AUDIENCES = {"青少年": ("中学生", "初中生"), "亲子家庭": ("带娃", "亲子"), "老年人": ("老人",)}
TOPICS = ("天文观测", "机器人搭建", "化石修复", "昆虫标本", "气象观测", "编程入门")
FIRST_DAY = date(2024, 9, 12)

_event = st.fixed_dictionaries(
    {
        "topic": st.sampled_from(TOPICS),
        "day": st.integers(0, 20),
        "length": st.sampled_from([0, 0, 0, 2, 5]),
        "district": st.sampled_from(sorted(DISTRICTS)),
        "spelling": st.integers(0, 3),
        "audience": st.sampled_from([None, "公众", *AUDIENCES]),
    }
)


def _events_file(folder: Path, events: list[dict]) -> Path:
    rows = []
    for i, e in enumerate(events):
        start = FIRST_DAY + timedelta(days=e["day"])
        forms = DISTRICTS[e["district"]]
        row: dict[str, object] = {
            "id": f"gen-{i}",
            "title": f"{e['topic']}第{i + 1}期",
            "venue": f"第{i + 1}号馆",
            "district": forms[e["spelling"] % len(forms)],
        }
        if e["length"]:
            row.update(start=start.isoformat(), end=(start + timedelta(e["length"])).isoformat())
        else:
            at = datetime.combine(start, datetime.min.time(), TZ).replace(hour=10)
            row.update(start=at.isoformat(), end=(at + timedelta(hours=2)).isoformat())
        if e["audience"]:
            row["audience"] = e["audience"]
        rows.append(row)
    path = folder / "events.yaml"
    path.write_text(yaml.safe_dump({"events": rows}, allow_unicode=True), encoding="utf-8")
    return path


def _days(e: dict) -> set[date]:
    start = FIRST_DAY + timedelta(days=e["day"])
    return {start + timedelta(days=n) for n in range(e["length"] + 1)}


def _titles(text: str) -> set[str]:
    return set(re.findall(r"^\d+\. ([^｜]+)｜", text, flags=re.M))


def _listed_days(text: str) -> set[date]:
    line = next((x for x in text.splitlines() if x.startswith("有活动的日期")), "")
    return {date(2024, int(m), int(d)) for m, d in re.findall(r"(\d+)月(\d+)日", line)}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    events=st.lists(_event, min_size=1, max_size=8),
    day=st.integers(0, 24),
    district=st.sampled_from(sorted(DISTRICTS)),
    spelling=st.integers(0, 3),
    audience=st.sampled_from(sorted(AUDIENCES)),
)
def test_an_event_answer_lists_what_meets_the_question_and_never_contradicts_itself(
    template_db: Path,
    jieba_cache: Path,
    events: list[dict],
    day: int,
    district: str,
    spelling: int,
    audience: str,
) -> None:
    folder = Path(tempfile.mkdtemp())
    answerer = _answerer(template_db, folder, jieba_cache, _events_file(folder, events))
    asked_day = FIRST_DAY + timedelta(days=day)
    when = f"{asked_day.month}月{asked_day.day}日"
    place = DISTRICTS[district][spelling % len(DISTRICTS[district])]
    form = AUDIENCES[audience][spelling % len(AUDIENCES[audience])]
    titled = [(f"{e['topic']}第{i + 1}期", e) for i, e in enumerate(events)]

    def fits(e: dict) -> bool:
        return e["audience"] in (None, audience)

    cases = [
        (f"{when}有什么活动", lambda e: asked_day in _days(e), True),
        (f"{place}有什么活动", lambda e: e["district"] == district, False),
        (
            f"{when}{place}有活动吗",
            lambda e: asked_day in _days(e) and e["district"] == district,
            True,
        ),
        (f"{form}能参加哪些活动", fits, False),
        (f"{when}有适合{form}的活动吗", lambda e: asked_day in _days(e) and fits(e), True),
    ]
    for question, wanted, dated in cases:
        answer = answerer.answer(question, NOW)
        expected = {title for title, e in titled if wanted(e)}
        said_none = answer.text.startswith("没有找到")
        assert answer.intent == "events", (question, answer.text)
        if len(expected) <= 12:
            assert _titles(answer.text.split("面向所有人")[0]) == (
                set() if said_none else expected
            ), (question, answer.text)
        assert said_none == (not expected), (question, answer.text)
        if said_none and dated:
            assert asked_day not in _listed_days(answer.text), (question, answer.text)
        if said_none and "附近区县" in answer.text:
            assert district not in answer.text.split("附近区县")[1], (question, answer.text)
