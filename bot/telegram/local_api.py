"""An in-process fake Telegram Bot API on `httpx.MockTransport`, for `kepubot chat` and tests.

It answers the methods the bot uses, records every call, and fails loudly (HTTP 400, which
python-telegram-bot raises as `BadRequest`) on any other method.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
from telegram.request import HTTPXRequest

LOCAL_TOKEN = "1000000:local-chat-token"
"""A syntactically valid token for the fake API; never sent anywhere."""

BOT_USER = {
    "id": 1000000,
    "is_bot": True,
    "first_name": "科普日助手",
    "username": "kepubot_local_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made: the Bot API method and its decoded parameters."""

    method: str
    params: dict[str, Any]
    result: Any = None


class UnexpectedMethodError(AssertionError):
    """The bot called a method the fake API does not know."""


@dataclass
class FakeBotAPI:
    """A fake Bot API that records calls; hand `request()` to `build_application`."""

    clock: Callable[[], datetime] = datetime.now
    calls: list[ApiCall] = field(default_factory=list)
    unexpected: list[ApiCall] = field(default_factory=list)
    pending_updates: deque[dict[str, Any]] = field(default_factory=deque)
    files: dict[str, bytes] = field(default_factory=dict)
    """Uploaded files by file_id, served by getFile and the file download URL."""
    blocked_chats: set[int] = field(default_factory=set)
    """Chats that blocked the bot: sending there answers 403 Forbidden, as Telegram does."""
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def request(self) -> HTTPXRequest:
        """A python-telegram-bot request object that talks to this fake."""
        return HTTPXRequest(httpx_kwargs={"transport": self.transport})

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    @property
    def sent_messages(self) -> list[ApiCall]:
        """sendMessage calls, in order."""
        return self.calls_to("sendMessage")

    def check(self) -> None:
        """Raise if the bot called any method the fake does not know."""
        if self.unexpected:
            names = ", ".join(call.method for call in self.unexpected)
            raise UnexpectedMethodError(f"unexpected Bot API methods called: {names}")

    # --- the HTTP side -------------------------------------------------------------------

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if "/file/bot" in request.url.path:
            file_id = request.url.path.rsplit("/", 1)[-1]
            self.calls.append(ApiCall("downloadFile", {"file_id": file_id}))
            if file_id not in self.files:
                return httpx.Response(404, json={"ok": False, "error_code": 404})
            return httpx.Response(200, content=self.files[file_id])
        method = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        params = _decode_params(request)
        chat_id = params.get("chat_id")
        if (
            method.startswith("send")
            and chat_id is not None
            and _int(chat_id) in self.blocked_chats
        ):
            self.calls.append(ApiCall(method, params))
            description = "Forbidden: bot was blocked by the user"
            body = {"ok": False, "error_code": 403, "description": description}
            return httpx.Response(403, json=body)
        reply = getattr(self, f"_api_{method}", None)
        if reply is None:
            call = ApiCall(method, params)
            self.calls.append(call)
            self.unexpected.append(call)
            return httpx.Response(
                400,
                json={
                    "ok": False,
                    "error_code": 400,
                    "description": f"Bad Request: fake Bot API has no method {method!r}",
                },
            )
        result = reply(params)
        self.calls.append(ApiCall(method, params, result))
        return httpx.Response(200, json={"ok": True, "result": result})

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(self.clock().timestamp()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params.get("text", ""))

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, text=params.get("text", ""))
        message["message_id"] = int(params.get("message_id", message["message_id"]))
        return message

    def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        document = {"file_id": "doc-1", "file_unique_id": "doc-1"}
        return self._message(params, document=document, caption=params.get("caption"))

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = [{"file_id": "photo-1", "file_unique_id": "photo-1", "width": 1, "height": 1}]
        return self._message(params, photo=photo, caption=params.get("caption"))

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, text="")
        message["message_id"] = int(params.get("message_id", message["message_id"]))
        return message

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        size = len(self.files.get(file_id, b""))
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": size,
            "file_path": f"documents/{file_id}",
        }

    def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        updates = list(self.pending_updates)
        self.pending_updates.clear()
        return updates

    def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        commands = self.calls_to("setMyCommands")
        return commands[-1].params.get("commands", []) if commands else []

    def _ok(self, params: dict[str, Any]) -> bool:
        return True

    _api_answerCallbackQuery = _ok
    _api_setMyCommands = _ok
    _api_deleteMyCommands = _ok
    _api_deleteWebhook = _ok
    _api_sendChatAction = _ok
    _api_close = _ok
    _api_logOut = _ok


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decode_params(request: httpx.Request) -> dict[str, Any]:
    """The parameters python-telegram-bot sent: form fields with JSON-encoded values."""
    content_type = request.headers.get("content-type", "")
    body = request.read()
    if content_type.startswith("multipart/form-data"):
        raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        fields: dict[str, Any] = {}
        for part in parsed.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            raw = part.get_payload(decode=True)
            payload = raw if isinstance(raw, bytes) else b""
            fields[name] = payload if part.get_filename() else _json_or_text(payload, name)
        return fields
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    return {key: _json_or_text(value, key) for key, value in parse_qsl(body.decode("utf-8"))}


_TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "title",
        "description",
        "short_description",
        "name",
        "query",
        "url",
        "callback_query_id",
        "secret_token",
    }
)
"""Parameters that are strings: "null" or "123" sent as text stays text (as Telegram reads it)."""


def _json_or_text(value: str | bytes, name: str = "") -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if name in _TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


# --- updates a user would send ------------------------------------------------------------

# Start from the clock, not 1: the store remembers update ids it has processed for a day
# (bot.intake.ledger), so a second local chat must not reuse the first one's ids.
_update_ids = itertools.count(time.time_ns() // 1000)


def user_payload(user_id: int, first_name: str = "测试用户") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}


def chat_payload(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = "测试用户"
    else:
        chat["title"] = "科普日测试群"
    return chat


def message_update(
    text: str,
    *,
    when: datetime,
    user_id: int = 42,
    chat_id: int | None = None,
    chat_type: str = "private",
    message_id: int = 1,
    entities: list[dict[str, Any]] | None = None,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Bot API Update with a text message; commands and @mentions get their entities."""
    if entities is None:
        entities = _entities(text)
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(when.timestamp()),
        "chat": chat_payload(chat_id if chat_id is not None else user_id, chat_type),
        "from": user_payload(user_id),
        "text": text,
    }
    if entities:
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": next(_update_ids), "message": message}


def callback_update(
    data: str,
    *,
    when: datetime,
    message: dict[str, Any],
    user_id: int = 42,
) -> dict[str, Any]:
    """A Bot API Update for a press on an inline button of `message` (a bot message)."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user_payload(user_id),
            "chat_instance": "local",
            "data": data,
            "message": {**message, "date": message.get("date", int(when.timestamp()))},
        },
    }


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, measured in UTF-16 code units as Telegram does."""
    entities = []
    command = _COMMAND.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16(command[0])})
    for mention in _MENTION.finditer(text):
        offset = _utf16(text[: mention.start()])
        entities.append({"type": "mention", "offset": offset, "length": _utf16(mention[0])})
    return entities


_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?")
_MENTION = re.compile(r"(?<![/\w])@[A-Za-z0-9_]{5,32}", re.ASCII)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
