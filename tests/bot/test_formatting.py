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


def test_check_html_finds_what_telegram_refuses() -> None:
    from bot.formatting import check_html

    assert check_html('<b>开幕</b> <a href="https://kepu.cq.cn">链接</a> &lt;3') == []
    problems = check_html("<b>开幕 <i>式</b>\n<div>x</div> a & b")
    assert any("</b>" in p for p in problems)
    assert any("<div>" in p for p in problems)
    assert any("第2行" in p and "&amp;" in p for p in problems)


def test_split_markup_keeps_every_message_valid() -> None:
    from bot.formatting import check_html, split_markup

    text = "<b>" + "科普日\n" * 2000 + "</b>" + "<i>结尾</i>"
    chunks = split_markup(text, 4096)
    assert len(chunks) == 2
    assert all(len(chunk) <= 4096 and check_html(chunk) == [] for chunk in chunks)
    assert "".join(chunks).count("科普日") == 2000
