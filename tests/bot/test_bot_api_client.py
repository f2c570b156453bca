"""The Bot API client (aiohttp under python-telegram-bot): requests take turns for its
connections, a request that cannot get one in time fails as a timeout (`TimedOut`), files go
as multipart, and network failures become python-telegram-bot's errors without the token."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.bot_api_client import AiohttpRequest
from tests.helpers.ports import free_port

TOKEN = "4242:TEST-turns-token"


class HoldingServer:
    """Answers sendMessage only once released; counts the requests it holds at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.active = 0
        self.most = 0
        self.answered = 0
        self.bodies: list[tuple[str, bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.bodies.append((self.headers.get("Content-Type", ""), body))
                if self.path.endswith("/getMe"):
                    self._answer({"id": 4242, "is_bot": True, "first_name": "kepubot"})
                    return
                if self.path.endswith("/sendDocument"):
                    self._answer(
                        {"message_id": 2, "date": 0, "chat": {"id": 1, "type": "private"}}
                    )
                    return
                with server.lock:
                    server.active += 1
                    server.most = max(server.most, server.active)
                server.release.wait(10)
                with server.lock:
                    server.active -= 1
                    server.answered += 1
                self._answer({"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}})

            def _answer(self, result: dict[str, object]) -> None:
                body = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/bot"


@pytest.fixture
def server() -> Iterator[HoldingServer]:
    holding = HoldingServer()
    yield holding
    holding.release.set()
    holding.http.shutdown()
    holding.http.server_close()


async def _until(condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


async def test_requests_wait_their_turn_for_the_connections(server: HoldingServer) -> None:
    bot = Bot(TOKEN, base_url=server.base_url, request=AiohttpRequest(2))
    async with bot:
        sends = [asyncio.create_task(bot.send_message(1, f"第{n}条")) for n in range(10)]
        await _until(lambda: server.active == 2)
        for _ in range(20):  # the others wait here, not in the connection pool
            await asyncio.sleep(0)
        assert server.active == 2
        server.release.set()
        await asyncio.gather(*sends)
    assert server.answered == 10 and server.most == 2


async def test_a_request_without_a_turn_in_time_times_out(server: HoldingServer) -> None:
    bot = Bot(TOKEN, base_url=server.base_url, request=AiohttpRequest(1, turn_seconds=0.1))
    async with bot:
        first = asyncio.create_task(bot.send_message(1, "占着连接"))
        await _until(lambda: server.active == 1)
        with pytest.raises(TimedOut, match="no free connection"):
            await bot.send_message(2, "等不到")
        server.release.set()
        await first
    assert server.answered == 1


async def test_text_goes_as_form_fields_and_files_as_multipart(server: HoldingServer) -> None:
    server.release.set()
    bot = Bot(TOKEN, base_url=server.base_url, request=AiohttpRequest(2))
    async with bot:
        await bot.send_message(7, "科普日 9月15日开幕 & <b>欢迎</b>", parse_mode="HTML")
        export = InputFile(b"id,link\n1,https://v.douyin.com/x/\n", filename="投稿.csv")
        await bot.send_document(7, export, caption="投稿导出")
    (form_type, form), (multipart_type, multipart) = server.bodies[-2:]
    assert form_type == "application/x-www-form-urlencoded"
    fields = dict(parse_qsl(form.decode()))
    assert fields["text"] == "科普日 9月15日开幕 & <b>欢迎</b>" and fields["chat_id"] == "7"
    assert multipart_type.startswith("multipart/form-data")
    assert b"https://v.douyin.com/x/" in multipart and "投稿导出".encode() in multipart


async def test_network_failures_are_telegram_errors_without_the_token() -> None:
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        unreachable = f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe"
        with pytest.raises(NetworkError) as refused:
            await request.post(unreachable)
        with pytest.raises(NetworkError) as invalid:
            await request.post(f"http://[bad/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    for error in (refused.value, invalid.value):
        assert TOKEN not in str(error) and TOKEN.split(":")[1] not in str(error)
