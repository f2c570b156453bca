"""Concurrent updates: different users at once, one user's updates in order."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.telegram.update_order import PerUserOrder, order_key
from tests.conftest import NOW


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "用户", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, NOW, chat, from_user=user, text="问"))


async def test_one_users_updates_run_in_order_and_others_run_meanwhile() -> None:
    processor = PerUserOrder(lanes=8)
    events: list[str] = []
    release = {1: asyncio.Event(), 2: asyncio.Event()}

    async def handle(name: str, wait_for: asyncio.Event | None) -> None:
        events.append(f"start {name}")
        if wait_for is not None:
            await wait_for.wait()
        events.append(f"end {name}")

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, 7), handle("7a", release[1]))),
        asyncio.create_task(processor.process_update(_update(2, 7), handle("7b", None))),
        asyncio.create_task(processor.process_update(_update(3, 8), handle("8a", None))),
    ]
    for _ in range(10):  # let every task run as far as it can
        await asyncio.sleep(0)
    # User 8 was not held up by user 7's slow update; user 7's second waits for the first.
    assert events == ["start 7a", "start 8a", "end 8a"]
    release[1].set()
    await asyncio.gather(*tasks)
    assert events[3:] == ["end 7a", "start 7b", "end 7b"]
    assert processor._queues == {}  # nothing kept for users with nothing pending


async def test_lanes_bound_the_updates_running_at_once() -> None:
    processor = PerUserOrder(lanes=2)
    running, most = 0, 0

    async def handle() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        for _ in range(3):
            await asyncio.sleep(0)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(_update(n, 100 + n), handle()) for n in range(10))
    )
    assert most == 2


def test_updates_are_ordered_by_user_then_chat() -> None:
    assert order_key(_update(1, 7)) == ("user", 7)
    channel_post = Update(5, channel_post=Message(1, NOW, Chat(-100, Chat.CHANNEL), text="x"))
    assert order_key(channel_post) == ("chat", -100)
    assert order_key(object()) is None
