"""The fake Bot API as Telegram behaves: updates confirmed by offset, over real HTTP too; its
faults (flood limits, refused and migrated chats, unanswered sends) as the bot sees them."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.telegram.local_api import LOCAL_TOKEN, FakeBotAPI, Faults
from bot.telegram.local_server import BotAPIServer


class Ticks:
    """The fake's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    api = FakeBotAPI(token=LOCAL_TOKEN)
    with BotAPIServer(api) as server:
        async with Bot(LOCAL_TOKEN, base_url=server.base_url) as bot:
            yield api, bot


async def test_over_http_updates_stay_until_an_offset_confirms_them(
    served: tuple[FakeBotAPI, Bot],
) -> None:
    api, bot = served
    api.send_text("科普日什么时候开始", user_id=7)
    api.send_text("主题是什么", user_id=7)
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["科普日什么时候开始", "主题是什么"]
    again = await bot.get_updates(offset=first[0].update_id, timeout=0)  # not confirmed
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert await bot.get_updates(offset=first[-1].update_id + 1, timeout=0) == ()
    assert not api.pending_updates

    await bot.send_message(7, "<b>9月15日</b>", parse_mode="HTML")
    assert api.wait_for_replies(1) == [
        {"chat_id": 7, "text": "<b>9月15日</b>", "parse_mode": "HTML", "message_id": 3}
    ]
    assert api.methods == ["getMe", "getUpdates", "getUpdates", "getUpdates", "sendMessage"]


async def test_over_http_a_wrong_token_or_an_unknown_method_is_refused(
    served: tuple[FakeBotAPI, Bot],
) -> None:
    api, bot = served
    with pytest.raises(BadRequest, match=r"(?i)no method 'sendpoll'"):
        await bot.send_poll(7, "问题", ["是", "否"])
    with pytest.raises(AssertionError, match="sendPoll"):
        api.check()
    api.unexpected.clear()
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong-token", base_url=bot.base_url.removesuffix(LOCAL_TOKEN)):
            pass


async def test_a_webhook_in_force_refuses_get_updates() -> None:
    api = FakeBotAPI()
    async with Bot(LOCAL_TOKEN, request=api.request(), get_updates_request=api.request()) as bot:
        await bot.set_webhook("https://bot.example.org/hook", secret_token="s3cret")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        await bot.delete_webhook()
        assert await bot.get_updates(timeout=0) == ()
    assert api.webhooks == [{"url": "https://bot.example.org/hook", "secret_token": "s3cret"}]


async def test_faults_answer_as_telegram_does() -> None:
    ticks = Ticks()
    faults = Faults(
        forbidden={1},
        not_found={2},
        migrated={3: -1003},
        server_errors={4: 1},
        drop_after_record={5},
        global_limit=2,
        per_chat_interval=2.0,
        retry_after=2,
    )
    api = FakeBotAPI(faults=faults, monotonic=ticks)
    async with Bot(LOCAL_TOKEN, request=api.request()) as bot:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(1, "x")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(2, "x")
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(3, "x")
        assert migrated.value.new_chat_id == -1003
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(4, "x")
        await bot.send_message(4, "x")  # one 502 only
        with pytest.raises(NetworkError):
            await bot.send_message(5, "x")  # recorded, never answered
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(6, "x")  # a third within a second
        assert flood.value.retry_after == 2
        ticks.now += 1.0
        with pytest.raises(RetryAfter):
            await bot.send_message(4, "x")  # the window moved on; this chat's did not
        await bot.send_message(6, "x")
    assert [api.count(chat) for chat in range(1, 7)] == [0, 0, 0, 1, 1, 1]
    assert (api.total, api.throttled, api.dropped) == (3, 2, 1)


def test_a_request_cut_short_is_not_acted_on() -> None:
    """A sender killed between a request's headers and its body (httpx writes them apart)
    sent nothing: the fake records no message without its fields."""
    api = FakeBotAPI(token=LOCAL_TOKEN)
    with BotAPIServer(api) as server:
        host, port = server.base_url.split("/")[2].split(":")
        with socket.create_connection((host, int(port))) as connection:
            connection.sendall(
                f"POST /bot{LOCAL_TOKEN}/sendMessage HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 40\r\n\r\nchat_id=7".encode()
            )
            connection.shutdown(socket.SHUT_WR)
            assert connection.recv(100) == b""  # closed, unanswered
    assert api.sent == [] and api.calls == []
