"""Any input gets a prompt, well-formed answer: no exception, no empty text, fast."""

from __future__ import annotations

import gc
import time
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.answers import Answerer
from tests.content.conftest import TZ
from tests.helpers.corpora import CORPORA

NOW = datetime(2024, 9, 18, 12, tzinfo=TZ)
BLNS = CORPORA / "blns.txt"
HOSTILE = [
    "",
    " ",
    "\x00\x01\x02",
    "<b>主办单位</b>",
    "'; DROP TABLE event; --",
    "科" * 4096,
    "😀" * 500,
    "9月" * 300,
    "\u202e科普日什么时候",
    "１２月３２日有什么活动",
    "下周周周周末",
    "%s%s%s%n",
]
LIMIT_SECONDS = 0.05


def _check(answerer: Answerer, text: str) -> None:
    # The bound is on the engine's work, not on a full garbage collection of the whole test
    # process's heap that may happen to fall inside the call (the bot freezes its start-up
    # objects with gc.freeze(), so it does not pay for those in production).
    gc.disable()
    try:
        started = time.perf_counter()
        answer = answerer.answer(text, NOW)
        elapsed = time.perf_counter() - started
    finally:
        gc.enable()
    assert answer.text.strip()
    assert answer.intent
    assert elapsed < LIMIT_SECONDS, f"{elapsed * 1000:.1f} ms for {text[:40]!r}"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_questions(events_answerer: Answerer, text: str) -> None:
    _check(events_answerer, text)


def test_naughty_strings(events_answerer: Answerer) -> None:
    lines = [line for line in BLNS.read_text("utf-8").splitlines() if not line.startswith("#")]
    assert len(lines) > 400
    for line in lines:
        _check(events_answerer, line)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_unicode(events_answerer: Answerer, text: str) -> None:
    _check(events_answerer, text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "科普日",
                "9月20日",
                "渝中区",
                "活动",
                "什么时候",
                "在哪",
                "吗",
                "主办",
                "电话",
                "千万IP",
                "明天",
                "总结",
                "没有",
                "青少年",
                "<",
                "&",
                " ",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_campaign_word_salad(events_answerer: Answerer, text: str) -> None:
    _check(events_answerer, text)
