"""The fake Bot API (`bot.telegram.local_api.FakeBotAPI`) over real HTTP on 127.0.0.1, for a
bot in another process (`KEPUBOT_TELEGRAM_BASE_URL`) and the benches.

    api = FakeBotAPI(token=TOKEN)
    with BotAPIServer(api) as server:
        ...  # run the bot with base_url=server.base_url; read api.sent
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.telegram.local_api import FakeBotAPI


class BotAPIServer:
    """Serves `api` on a free port; `base_url` is what python-telegram-bot's base_url takes."""

    def __init__(self, api: FakeBotAPI, host: str = "127.0.0.1") -> None:
        self.api = api
        self.host = host
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        """Start serving (once; later calls change nothing); the base URL."""
        if self._server is None:
            server = _QuietServer((self.host, 0), _handler_for(self.api))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._server = server
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/bot"

    def __enter__(self) -> BotAPIServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    request_queue_size = 128
    """The listen backlog (5 by default): a burst of the bot's new connections overflows 5,
    and connections the kernel then drops reach the bot as resets (httpx.ReadError)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-request (the kill tests) is expected, not worth a traceback."""


def _handler_for(api: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like Telegram
        disable_nagle_algorithm = True  # answer at once, not after a delayed ACK

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if len(body) < length:  # the client died mid-request: Telegram acts on none of it
                self.close_connection = True
                return
            content_type = self.headers.get("Content-Type", "")
            reply = api.handle(self.path, content_type, body, blocking=True)
            if reply is None:  # recorded, never answered: an ambiguous send
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the bot stopped while a long poll was open

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output quiet

    return Handler
