"""A fake Bot API HTTP server on 127.0.0.1 that behaves like Telegram under load.

It enforces the flood limits (429 with `retry_after` when more than `global_limit` messages
arrive within a second, or two reach one chat within `per_chat_interval`), answers 403 and
400 for chosen chats, moves migrated groups, answers 502 a chosen number of times, and can
record a message and then drop the connection without answering (an ambiguous send).
Used by the outbox fault tests and `bench/broadcast.py`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {"id": 1000000, "is_bot": True, "first_name": "科普日助手", "username": "kepubot_bot"}
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}


@dataclass
class Faults:
    """What the server does to particular chats."""

    forbidden: set[int] = field(default_factory=set)
    not_found: set[int] = field(default_factory=set)
    drop_after_record: set[int] = field(default_factory=set)
    """Record the first message to these chats, then close the connection unanswered."""
    server_errors: dict[int, int] = field(default_factory=dict)
    """Answer 502 this many times to these chats before accepting."""
    migrated: dict[int, int] = field(default_factory=dict)
    """Old group id → new supergroup id."""


class TelegramServer:
    """Start with `start()`; `base_url` is what python-telegram-bot's `base_url` takes."""

    def __init__(
        self,
        *,
        global_limit: int = 30,
        per_chat_interval: float = 0.9,
        retry_after: float = 1,
        throttle_every: int = 0,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.global_limit = global_limit
        self.per_chat_interval = per_chat_interval
        self.retry_after = retry_after
        self.throttle_every = throttle_every
        """Also answer 429 to every Nth message (0: never), to provoke flood waits."""
        self._seen = 0
        self.faults = faults or Faults()
        self.clock = clock
        self.lock = threading.Lock()
        self.messages: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.throttled = 0
        self.dropped = 0
        self.accepted_times: list[float] = []
        self._window: deque[float] = deque()
        self._chat_last: dict[int, float] = {}
        self._dropped_once: set[int] = set()
        self._message_ids = 0
        self._waiters: list[tuple[int, threading.Event]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> str:
        server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def __enter__(self) -> TelegramServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- figures -----------------------------------------------------------------------------

    def count(self, chat_id: int) -> int:
        with self.lock:
            return len(self.messages.get(chat_id, []))

    @property
    def total(self) -> int:
        with self.lock:
            return len(self.accepted_times)

    def reached(self, total: int) -> threading.Event:
        """An event set once `total` messages have been recorded."""
        event = threading.Event()
        with self.lock:
            if len(self.accepted_times) >= total:
                event.set()
            else:
                self._waiters.append((total, event))
        return event

    # --- answering ---------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        """(HTTP status, JSON body); a None body means: drop the connection."""
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method not in SEND_METHODS:
            return 200, {"ok": True, "result": True}
        chat_id = int(params.get("chat_id", 0))
        faults = self.faults
        with self.lock:
            if chat_id in faults.forbidden:
                return _error(403, "Forbidden: bot was blocked by the user")
            if chat_id in faults.not_found:
                return _error(400, "Bad Request: chat not found")
            if chat_id in faults.migrated:
                body = _error(400, "Bad Request: group chat was upgraded to a supergroup chat")
                body[1]["parameters"] = {"migrate_to_chat_id": faults.migrated[chat_id]}
                return body
            if faults.server_errors.get(chat_id, 0) > 0:
                faults.server_errors[chat_id] -= 1
                return _error(502, "Bad Gateway")
            now = self.clock()
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            last = self._chat_last.get(chat_id)
            too_fast = last is not None and now - last < self.per_chat_interval
            self._seen += 1
            forced = self.throttle_every and self._seen % self.throttle_every == 0
            if len(self._window) >= self.global_limit or too_fast or forced:
                self.throttled += 1
                status, body = _error(429, f"Too Many Requests: retry after {self.retry_after}")
                body["parameters"] = {"retry_after": self.retry_after}
                return status, body
            self._window.append(now)
            self._chat_last[chat_id] = now
            self.accepted_times.append(now)
            self._message_ids += 1
            message = {
                "message_id": self._message_ids,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            self.messages[chat_id].append({"method": method, **params})
            for wanted, event in self._waiters:
                if len(self.accepted_times) >= wanted:
                    event.set()
            if chat_id in faults.drop_after_record and chat_id not in self._dropped_once:
                self._dropped_once.add(chat_id)
                self.dropped += 1
                return 200, None
        return 200, {"ok": True, "result": message}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-request (the kill test) is expected, not worth a traceback."""


def _error(code: int, description: str) -> tuple[int, dict[str, Any]]:
    return code, {"ok": False, "error_code": code, "description": description}


def _handler_for(server: TelegramServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like Telegram
        disable_nagle_algorithm = True  # answer at once, not after a delayed ACK

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            method = self.path.rstrip("/").rsplit("/", 1)[-1]
            status, answer = server.answer(method, _params(self.headers, body))
            if answer is None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _params(headers: Any, body: bytes) -> dict[str, Any]:
    content_type = headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8")):
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params
