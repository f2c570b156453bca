from __future__ import annotations

import asyncio

import pytest

from handlers.wechat.replies import Continuations, OncePerMessage, split_reply

HINT = "（回复「更多」）"


def test_a_short_text_is_one_part() -> None:
    assert split_reply("一行\n两行", HINT) == ["一行\n两行"]


def test_a_line_longer_than_a_part_is_cut_between_characters() -> None:
    text = "科" * 2000  # 6000 bytes, no line break
    parts = split_reply(text, HINT, limit=2048)
    assert all(len(part.encode()) <= 2048 for part in parts)
    assert "".join(part.removesuffix("\n" + HINT) for part in parts) == text
    assert parts[-1] and not parts[-1].endswith(HINT)


def test_continuations_are_per_user_and_a_new_answer_replaces_the_rest() -> None:
    rest = Continuations()
    assert rest.first("a", ["1", "2", "3"]) == "1"
    assert rest.first("b", ["x", "y"]) == "x"
    assert rest.next("a") == "2"
    assert rest.first("a", ["new"]) == "new"
    assert rest.next("a") is None
    assert rest.next("b") == "y"
    assert rest.next("b") is None


async def test_a_failed_reply_is_made_again_on_the_retry() -> None:
    once = OncePerMessage()
    calls = 0

    async def make() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database away")
        return "answer"

    with pytest.raises(RuntimeError):
        await once.reply("m1", make)
    assert await once.reply("m1", make) == "answer"
    assert await asyncio.wait_for(once.reply("m1", make), 1) == "answer"
    assert calls == 2
