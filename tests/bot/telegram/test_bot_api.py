"""The bot's Bot API client (python-telegram-bot's HTTPXRequest, as `bot_api_request` makes it)
against real servers on 127.0.0.1, through the outbox's sender: a request that never left is
sent again, one that may have arrived never is; Telegram's refusals; the environment's proxy;
no token in any error or log line."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select
from telegram import Bot

from bot.outreach import outbox
from bot.outreach.dispatcher import Dispatcher
from bot.outreach.outbox import Outbox, text_parts
from bot.store.models import OutboxMessage
from bot.store.schema import migrate
from bot.telegram import delivery
from bot.telegram.delivery import TelegramSender, bot_api_request
from content.db import create_db_engine
from tests.helpers.ports import free_port

TOKEN = "4242:TEST-httpx-client-token"
SECRET = TOKEN.split(":")[1]
TEXT: outbox.Part = {"type": "text", "text": "科普日 9月15日开幕"}
SENT = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
DROP = b""
"""A reply that closes the connection, the request read, without a word."""

Behaviour = Callable[[str], bytes | None]
"""The server's reply to a request (given its request line); None: never answer."""


def answer(status: int, body: dict[str, object]) -> bytes:
    payload = json.dumps(body).encode()
    head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
    return f"{head}Content-Length: {len(payload)}\r\n\r\n".encode() + payload


def ok(result: dict[str, object]) -> bytes:
    return answer(200, {"ok": True, "result": result})


class Server:
    """An HTTP server on 127.0.0.1 that reads each request whole, then does `behaviour`."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[tuple[str, dict[str, str]]] = []
        """Each request's line and headers (names in lower case)."""
        self._closing = asyncio.Event()
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    def hang_up(self) -> None:
        """Close the connections of the requests left unanswered."""
        self._closing.set()

    async def stop(self) -> None:
        self.hang_up()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                line, *fields = head.strip().split("\r\n")
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (field.partition(":") for field in fields)
                }
                await reader.readexactly(int(headers.get("content-length", 0)))
                self.requests.append((line, headers))
                reply = self.behaviour(line)
                if reply is None:
                    await self._closing.wait()
                    return
                if reply == DROP:
                    return
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


Serve = Callable[[Behaviour], Awaitable[Server]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    servers: list[Server] = []

    async def start(behaviour: Behaviour) -> Server:
        server = Server(behaviour)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """No answer within 0.3 s is a read timeout; no free connection within 0.2 s, a pool one."""
    monkeypatch.setattr(delivery, "READ_SECONDS", 0.3)
    monkeypatch.setattr(delivery, "POOL_SECONDS", 0.2)


async def send(base_url: str, connections: int = 2) -> None:
    """TEXT to chat 1 through the bot's client, as the outbox's sender sends it."""
    async with bot_api_request(connections) as request:
        await TelegramSender(Bot(TOKEN, base_url=base_url, request=request))(1, TEXT)


def everything_said(exc: BaseException) -> str:
    """An error's message, its causes' and its whole traceback, as a log would show them."""
    return "".join(traceback.format_exception(exc))


async def test_a_refused_connection_is_not_sent() -> None:
    with pytest.raises(outbox.NotSent) as refused:
        await send(f"http://127.0.0.1:{free_port()}/bot")  # nobody listens
    assert "ConnectError" in str(refused.value)


@pytest.mark.usefixtures("short_waits")
async def test_no_answer_in_time_may_have_been_sent(serve: Serve) -> None:
    server = await serve(lambda line: None)  # takes the request, never answers
    with pytest.raises(outbox.MaybeSent):
        await send(server.base_url)
    assert len(server.requests) == 1  # it had arrived


async def test_a_connection_dropped_after_the_request_may_have_been_sent(serve: Serve) -> None:
    server = await serve(lambda line: DROP)
    with pytest.raises(outbox.MaybeSent, match="RemoteProtocolError"):
        await send(server.base_url)
    assert len(server.requests) == 1


async def test_no_free_connection_in_time_is_not_sent(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "POOL_SECONDS", 0.2)
    server = await serve(lambda line: None)
    async with bot_api_request(1) as request:
        sender = TelegramSender(Bot(TOKEN, base_url=server.base_url, request=request))
        first = asyncio.create_task(sender(1, TEXT))  # holds the one connection, unanswered
        async with asyncio.timeout(5):
            while not server.requests:
                await asyncio.sleep(0.01)
        with pytest.raises(outbox.NotSent, match="Pool timeout"):
            await sender(2, TEXT)
        server.hang_up()
        with pytest.raises(outbox.MaybeSent):
            await first
    assert len(server.requests) == 1  # the second never left


async def test_telegrams_refusals(serve: Serve) -> None:
    replies = {
        "1": answer(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            },
        ),
        "2": answer(
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
        ),
        "3": answer(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}),
    }
    chats = iter(replies)
    server = await serve(lambda line: replies[next(chats)])
    async with bot_api_request(2) as request:
        sender = TelegramSender(Bot(TOKEN, base_url=server.base_url, request=request))
        with pytest.raises(outbox.RetryAfter) as flood:
            await sender(1, TEXT)
        with pytest.raises(outbox.Unreachable, match="blocked"):
            await sender(2, TEXT)
        with pytest.raises(outbox.NotSent):  # Telegram answered: nothing was delivered
            await sender(3, TEXT)
    assert flood.value.seconds == 3


@pytest.mark.usefixtures("short_waits")
@pytest.mark.parametrize("failure", ["refused", "no answer", "dropped"])
async def test_a_failed_send_shows_no_token(
    serve: Serve,
    failure: str,
    empty_db_url: str,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    """The dispatcher's record of a failed send, its logs (httpx's and httpcore's included, at
    DEBUG and without the bot's redacting filter) and the error itself hold no token."""
    if failure == "refused":
        base_url = f"http://127.0.0.1:{free_port()}/bot"
    else:
        base_url = (await serve(lambda line: None if failure == "no answer" else DROP)).base_url
    engine = create_db_engine(empty_db_url)
    migrate(engine)
    try:
        queue = Outbox(engine, lambda: datetime.now(UTC))
        queue.enqueue("broadcast", [1], {"parts": text_parts("通知")})
        async with bot_api_request(2) as request:
            bot = Bot(TOKEN, base_url=base_url, request=request)  # logs its URL at DEBUG
            caplog.set_level(logging.DEBUG)  # bot.runtime.logs redacts that: the send's own
            dispatcher = Dispatcher(
                queue, TelegramSender(bot), backoff=lambda n: 0.0, max_attempts=2
            )
            await dispatcher.run_until_idle()
            with pytest.raises(outbox.DeliveryError) as failed:
                await TelegramSender(bot)(1, TEXT)
        with Session(engine) as session:
            [row] = session.exec(select(OutboxMessage)).all()
    finally:
        engine.dispose()
    assert row.status == ("failed" if failure == "refused" else "ambiguous")
    assert row.last_error and SECRET not in row.last_error
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)
    assert SECRET not in everything_said(failed.value)


async def test_the_environments_proxy_is_used_with_its_credentials(
    serve: Serve,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """README: the client honours HTTP(S)_PROXY from the environment."""
    proxy = await serve(lambda line: ok(SENT))  # answers what it is asked, as a proxy
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://kepu:p%40ss@127.0.0.1:{proxy.port}")
    await send("http://api.telegram.invalid/bot")
    [(line, headers)] = proxy.requests
    assert line.startswith(f"POST http://api.telegram.invalid/bot{TOKEN}/sendMessage ")
    assert headers["proxy-authorization"] == "Basic " + base64.b64encode(b"kepu:p@ss").decode()
