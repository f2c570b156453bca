"""The Bot API client (aiohttp under python-telegram-bot): requests take turns for its
connections, a request that cannot get one in time fails as a timeout (`TimedOut`), files go
as multipart, and network failures become python-telegram-bot's errors without the token."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.outreach import outbox
from bot.telegram.bot_api import AiohttpRequest, proxy_for
from bot.telegram.delivery import TelegramSender
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
        self.requests: list[tuple[str, str | None]] = []
        """Each request's path and Proxy-Authorization (when it came as a proxy's)."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.bodies.append((self.headers.get("Content-Type", ""), body))
                server.requests.append((self.path, self.headers.get("Proxy-Authorization")))
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


def _clear_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


async def test_the_environments_proxy_is_used_with_its_credentials(
    server: HoldingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = server  # it answers what it is asked as a proxy itself
    _clear_proxies(monkeypatch)
    port = proxy.http.server_address[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://kepu:p%40ss@127.0.0.1:{port}")
    bot = Bot(TOKEN, base_url="http://api.telegram.invalid/bot", request=AiohttpRequest(1))
    async with bot:  # getMe
        await bot.get_me()
    path, authorization = proxy.requests[-1]
    assert path == f"http://api.telegram.invalid/bot{TOKEN}/getMe"  # absolute: via the proxy
    assert authorization == "Basic " + base64.b64encode(b"kepu:p@ss").decode()
    assert len(proxy.requests) == 2  # both requests: looked up once, kept for the origin


async def test_no_proxy_exempts_a_host(
    server: HoldingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.release.set()
    _clear_proxies(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nobody listens
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    bot = Bot(TOKEN, base_url=server.base_url, request=AiohttpRequest(1))
    async with bot:
        await bot.send_message(1, "直连")
    assert server.answered == 1


def test_an_https_targets_proxy_credentials_go_on_the_tunnel_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clear_proxies(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://kepu:secret@proxy.example:3128")
    proxy = proxy_for(urlsplit("https://api.telegram.org/botX/getMe"))
    assert proxy.url == "http://proxy.example:3128"
    assert proxy.tunnel_headers == {"Proxy-Authorization": "Basic a2VwdTpzZWNyZXQ="}
    assert proxy.request_headers is None  # never sent to Telegram through the tunnel
    monkeypatch.setenv("NO_PROXY", ".telegram.org")
    assert proxy_for(urlsplit("https://api.telegram.org/botX/getMe")).url is None


async def test_a_request_that_never_left_may_be_sent_again(server: HoldingServer) -> None:
    """For the outbox: no free connection in time, or nobody listening, is `NotSent` (retried);
    a dropped connection after the request was written is `MaybeSent` (test_outbox_faults)."""
    bot = Bot(TOKEN, base_url=server.base_url, request=AiohttpRequest(1, turn_seconds=0.1))
    async with bot:
        first = asyncio.create_task(bot.send_message(1, "占着连接"))
        await _until(lambda: server.active == 1)
        with pytest.raises(outbox.NotSent, match="no free connection"):
            await TelegramSender(bot)(2, {"type": "text", "text": "等不到"})
        server.release.set()
        await first
    request = AiohttpRequest(1)  # initialized without getMe: nobody listens
    await request.initialize()
    try:
        lonely = Bot(TOKEN, base_url=f"http://127.0.0.1:{free_port()}/bot", request=request)
        with pytest.raises(outbox.NotSent):
            await TelegramSender(lonely)(3, {"type": "text", "text": "没人听"})
    finally:
        await request.shutdown()
