from __future__ import annotations

from bot.formatting import escape, split_html, to_plain


def test_short_text_is_one_chunk() -> None:
    assert split_html("一行\n两行") == ["一行\n两行"]


def test_splits_at_line_boundaries() -> None:
    lines = ["x" * 40 for _ in range(10)]
    chunks = split_html("\n".join(lines), limit=100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert "\n".join(chunks) == "\n".join(lines)
    assert all(set(line) == {"x"} for chunk in chunks for line in chunk.split("\n"))


def test_overlong_line_is_cut_outside_entities() -> None:
    escaped = escape("a" * 7 + "&" + "b" * 20)
    chunks = split_html(escaped, limit=10)
    assert all(len(chunk) <= 10 for chunk in chunks)
    assert "".join(chunks) == escaped
    assert any(chunk.startswith("&amp;") for chunk in chunks)


def test_blank_text_gives_no_chunks() -> None:
    assert split_html("\n \n") == []


def test_escape_and_back() -> None:
    text = "<b>&\"'"
    assert to_plain(f"<i>{escape(text)}</i>") == text
