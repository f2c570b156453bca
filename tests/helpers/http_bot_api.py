"""A fake Telegram Bot API served over real HTTP on 127.0.0.1, for end-to-end runs of
`kepubot run` (long polling) as a separate process."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

BOT = {"id": 4242, "is_bot": True, "first_name": "科普日助手", "username": "kepubot_e2e_bot"}


@dataclass
class HttpBotAPI:
    """Queue updates with `send_text`; read what the bot sent in `sent`."""

    token: str
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    """The parameters of every setWebhook call."""
    send_delay: float = 0.0
    """Seconds each sendMessage takes (a slow Telegram, to catch a bot mid-broadcast)."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Uploaded files by file_id, served by getFile and the file download URL."""
    local_dir: Path | None = None
    """Like a local Bot API server in --local mode: getFile answers a path in this folder."""
    downloads: list[str] = field(default_factory=list)
    """The file paths the bot downloaded over HTTP."""
    edits: list[dict[str, Any]] = field(default_factory=list)
    """The parameters of every editMessageText call."""
    _next_update: int = 1
    _next_message: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> str:
        """Serve on a free port; returns the base URL for KEPUBOT_TELEGRAM_BASE_URL."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                return

            def do_POST(self) -> None:
                api._handle(self)

            do_GET = do_POST

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def send_text(self, text: str, *, user_id: int = 7001, chat_type: str = "private") -> None:
        """Queue a message for the bot's next getUpdates."""
        update = self.make_update(text, user_id=user_id, chat_type=chat_type)
        with self._lock:
            self.updates.append(update)

    def send_document(self, name: str, content: bytes, *, user_id: int = 7001) -> None:
        """Queue a private message carrying the file `name` (served to getFile)."""
        update = self.make_update("", user_id=user_id)
        message = update["message"]
        del message["text"], message["entities"]
        message["document"] = {
            "file_id": name,
            "file_unique_id": name,
            "file_name": name,
            "file_size": len(content),
        }
        with self._lock:
            self.files[name] = content
            self.updates.append(update)

    def press(self, message: dict[str, Any], data: str, *, user_id: int = 7001) -> None:
        """Queue a press on the inline button with callback `data` of a message the bot sent."""
        update = self.make_press(message, data, user_id=user_id)
        with self._lock:
            self.updates.append(update)

    def make_press(
        self, message: dict[str, Any], data: str, *, user_id: int = 7001
    ) -> dict[str, Any]:
        """A press on a button of a message the bot sent (to post to a webhook yourself)."""
        with self._lock:
            update_id, self._next_update = self._next_update, self._next_update + 1
            return {
                "update_id": update_id,
                "callback_query": {
                    "id": f"cb{update_id}",
                    "from": {"id": user_id, "is_bot": False, "first_name": "测试"},
                    "chat_instance": "e2e",
                    "data": data,
                    "message": {
                        "message_id": message["message_id"],
                        "date": int(time.time()),
                        "chat": {"id": user_id, "type": "private"},
                        "from": BOT,
                        "text": message.get("text", ""),
                    },
                },
            }

    def make_update(
        self, text: str, *, user_id: int = 7001, chat_type: str = "private"
    ) -> dict[str, Any]:
        """A message update with the next update id (to post to a webhook yourself)."""
        with self._lock:
            update_id, self._next_update = self._next_update, self._next_update + 1
            message_id, self._next_message = self._next_message, self._next_message + 1
        entities = (
            [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/")
            else []
        )
        return {
            "update_id": update_id,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": chat_type, "first_name": "测试"},
                "from": {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": "测试",
                    "language_code": "zh-hans",
                },
                "text": text,
                "entities": entities,
            },
        }

    def wait_for_replies(self, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.sent) >= count:
                    return list(self.sent)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} replies, got {self.sent!r}; calls {self.calls}")

    def wait_for(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        """Wait until `condition()` holds (checked under the lock)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if condition():
                    return
            time.sleep(0.05)
        raise AssertionError(f"condition not met; calls {self.calls}")

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        file_prefix = f"/file/bot{self.token}/"
        path = unquote(request.path)  # a file URL comes quoted: the token's ":" as %3A
        if path.startswith(file_prefix):
            self._download(request, path[len(file_prefix) :])
            return
        prefix = f"/bot{self.token}/"
        if not request.path.startswith(prefix):
            self._reply(request, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        method = request.path[len(prefix) :]
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode("utf-8") if length else ""
        kind = request.headers.get("Content-Type", "")
        params: dict[str, Any] = (
            json.loads(body) if "json" in kind and body else dict(parse_qsl(body))
        )
        with self._lock:
            self.calls.append(method)
        if method == "getMe":
            result: Any = BOT
        elif method in ("deleteWebhook", "setMyCommands", "sendChatAction", "answerCallbackQuery"):
            result = True
        elif method == "setWebhook":
            with self._lock:
                self.webhooks.append(params)
            result = True
        elif method == "getFile":
            result = self._get_file(str(params.get("file_id")))
        elif method == "editMessageText":
            with self._lock:
                self.edits.append(params)
            result = {
                "message_id": int(params.get("message_id") or 0),
                "date": int(time.time()),
                "chat": {"id": int(params.get("chat_id") or 0), "type": "private"},
                "text": params.get("text", ""),
            }
        elif method == "getUpdates":
            result = self._poll(params)
        elif method == "sendMessage":
            if self.send_delay:
                time.sleep(self.send_delay)
            with self._lock:
                message_id, self._next_message = self._next_message, self._next_message + 1
                self.sent.append({**params, "message_id": message_id})
            result = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        else:
            self._reply(
                request,
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: unknown {method}"},
            )
            return
        self._reply(request, 200, {"ok": True, "result": result})

    def _get_file(self, file_id: str) -> dict[str, Any]:
        with self._lock:
            content = self.files.get(file_id, b"")
        path = f"documents/{file_id}"
        if self.local_dir is not None:  # --local: the file is on this machine already
            local = self.local_dir / file_id
            local.write_bytes(content)
            path = str(local)
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(content),
            "file_path": path,
        }

    def _download(self, request: BaseHTTPRequestHandler, path: str) -> None:
        file_id = path.removeprefix("documents/")
        with self._lock:
            self.downloads.append(path)
            content = self.files.get(file_id)
        if content is None or self.local_dir is not None:
            self._reply(request, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(content)))
        request.end_headers()
        request.wfile.write(content)

    def _poll(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            with self._lock:
                while self.updates and self.updates[0]["update_id"] < offset:
                    self.updates.popleft()
                if self.updates:
                    return list(self.updates)
            if time.monotonic() >= deadline:
                return []
            time.sleep(0.05)

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot stopped while a long poll was open


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    """The listen backlog (5 by default): a burst of the bot's new connections overflows 5,
    and connections the kernel then drops reach the bot as resets (httpx.ReadError)."""
