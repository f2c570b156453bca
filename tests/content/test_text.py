"""Normalization of what people type."""

from __future__ import annotations

import pytest

from content.text import MAX_QUESTION_CHARS, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("科普日甚麼時候開始", "科普日什么时候开始"),
        ("  科普 日 幾 號 開始 ", "科普日几号开始"),
        ("ＡＢＣ１２３", "abc123"),
        ("千万ＩＰ创科普", "千万ip创科普"),
        ("科普\u200b日", "科普日"),
        ("Hello  World", "hello world"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_long_input_is_cut() -> None:
    assert len(normalize("科" * 10_000)) == MAX_QUESTION_CHARS
