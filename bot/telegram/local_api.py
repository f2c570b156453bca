"""A fake Telegram Bot API, for `kepubot chat`, the tests and the benches.

One state machine (`FakeBotAPI`: the bot's identity, the getUpdates queue, the webhook, the
messages it accepted, uploaded files) behind two transports: `FakeBotAPI.transport`, an
`httpx.MockTransport` for in-process use, and `bot.telegram.local_server.BotAPIServer`, real
HTTP on 127.0.0.1 for `kepubot run` in another process. It records every call and fails
loudly (HTTP 400, which python-telegram-bot raises as `BadRequest`) on any method it does not
know. Optional `Faults` make it behave like Telegram under load: flood limits (429 with
`retry_after`), refused and migrated chats, 502s, and sends recorded but never answered.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

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

MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
"""Methods that deliver a message: counted against the flood limits, recorded per chat."""

LONG_POLL_CAP = 1.0
"""Seconds a long poll over HTTP waits at most, whatever its timeout (tests stop quickly)."""


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made: the Bot API method, its decoded parameters, the result."""

    method: str
    params: dict[str, Any]
    result: Any = None
    status: int = 200


@dataclass(frozen=True)
class Reply:
    """What a transport answers: an HTTP status and body."""

    status: int
    content: bytes
    content_type: str = "application/json"

    @classmethod
    def json(cls, status: int, payload: dict[str, Any]) -> Reply:
        return cls(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


class UnexpectedMethodError(AssertionError):
    """The bot called a method the fake API does not know."""


@dataclass
class Faults:
    """What the fake does to particular chats, and Telegram's flood limits (off by default)."""

    forbidden: set[int] = field(default_factory=set)
    """Chats that blocked the bot: every send* there answers 403 Forbidden."""
    not_found: set[int] = field(default_factory=set)
    drop_after_record: set[int] = field(default_factory=set)
    """Record the first message to these chats, then drop the request unanswered."""
    server_errors: dict[int, int] = field(default_factory=dict)
    """Answer 502 this many times to these chats before accepting."""
    migrated: dict[int, int] = field(default_factory=dict)
    """Old group id → new supergroup id."""
    global_limit: int = 0
    """429 when this many messages were accepted within the last second (0: no limit)."""
    per_chat_interval: float = 0.0
    """429 when a chat's previous message was accepted less than this long ago."""
    retry_after: float = 1
    throttle_every: int = 0
    """Also answer 429 to every Nth message (0: never), to provoke flood waits."""


@dataclass
class FakeBotAPI:
    """A fake Bot API that records calls; hand `request()` to `build_application`, or serve
    it over HTTP with `bot.telegram.local_server.BotAPIServer`."""

    clock: Callable[[], datetime] = datetime.now
    """Dates of the messages (the bot's and the users')."""
    token: str | None = None
    """The only token accepted (401 otherwise); None: any."""
    faults: Faults = field(default_factory=Faults)
    monotonic: Callable[[], float] = time.monotonic
    """The time of the flood windows and of `accepted_times`."""
    send_delay: float = 0.0
    """Seconds each message takes over HTTP (a slow Telegram, to catch a bot mid-broadcast)."""
    local_dir: Path | None = None
    """Like a local Bot API server in --local mode: getFile answers a path in this folder
    (writing the file there) and nothing is served over the download URL."""
    calls: list[ApiCall] = field(default_factory=list)
    unexpected: list[ApiCall] = field(default_factory=list)
    pending_updates: deque[dict[str, Any]] = field(default_factory=deque)
    """Updates not yet confirmed: getUpdates returns them until an offset passes them."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Uploaded files by file_id, served by getFile and the file download URL."""
    sent: list[dict[str, Any]] = field(default_factory=list)
    """Every accepted sendMessage: its parameters and the message_id it got."""
    edits: list[dict[str, Any]] = field(default_factory=list)
    """The parameters of every editMessageText call."""
    downloads: list[str] = field(default_factory=list)
    """The file paths the bot downloaded over the file URL."""
    accepted_times: list[float] = field(default_factory=list)
    """`monotonic()` at each accepted message (any of MESSAGE_METHODS)."""
    throttled: int = 0
    """429s answered."""
    dropped: int = 0
    """Requests recorded and left unanswered (Faults.drop_after_record)."""
    webhook: dict[str, Any] | None = None
    """The parameters of the setWebhook in force; None after deleteWebhook."""
    _delivered: defaultdict[int, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _window: deque[float] = field(default_factory=deque)
    _chat_last: dict[int, float] = field(default_factory=dict)
    _dropped_once: set[int] = field(default_factory=set)
    _seen: int = 0
    _waiters: list[tuple[int, threading.Event]] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=lambda: threading.Condition())

    # --- the in-process transport ---------------------------------------------------------

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle_httpx)

    def request(self) -> HTTPXRequest:
        """A python-telegram-bot request object that talks to this fake in process."""
        return HTTPXRequest(httpx_kwargs={"transport": self.transport})

    def _handle_httpx(self, request: httpx.Request) -> httpx.Response:
        # In process nothing waits: the event loop runs in this thread.
        content_type = request.headers.get("content-type", "")
        reply = self.handle(request.url.path, content_type, request.read(), blocking=False)
        if reply is None:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        headers = {"content-type": reply.content_type}
        return httpx.Response(reply.status, content=reply.content, headers=headers)

    # --- what the bot did -----------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    @property
    def methods(self) -> list[str]:
        """The method of every call, in order."""
        return [call.method for call in self.calls]

    @property
    def sent_messages(self) -> list[ApiCall]:
        """sendMessage calls (refused ones too), in order."""
        return self.calls_to("sendMessage")

    @property
    def blocked_chats(self) -> set[int]:
        """Chats that blocked the bot (Faults.forbidden)."""
        return self.faults.forbidden

    @property
    def webhooks(self) -> list[dict[str, Any]]:
        """The parameters of every setWebhook call."""
        return [call.params for call in self.calls_to("setWebhook")]

    def count(self, chat_id: int) -> int:
        """Messages accepted for this chat."""
        with self._changed:
            return len(self._delivered.get(chat_id, []))

    @property
    def total(self) -> int:
        """Messages accepted, all chats."""
        with self._changed:
            return len(self.accepted_times)

    def check(self) -> None:
        """Raise if the bot called any method the fake does not know."""
        if self.unexpected:
            names = ", ".join(call.method for call in self.unexpected)
            raise UnexpectedMethodError(f"unexpected Bot API methods called: {names}")

    # --- waiting for the bot (another thread or process) ----------------------------------

    def reached(self, total: int) -> threading.Event:
        """An event set once `total` messages have been accepted."""
        event = threading.Event()
        with self._changed:
            if len(self.accepted_times) >= total:
                event.set()
            else:
                self._waiters.append((total, event))
        return event

    def wait_for(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        """Wait until `condition()` holds (checked under the lock, after each call)."""
        with self._changed:
            if not self._changed.wait_for(condition, timeout):
                raise AssertionError(f"condition not met; calls {self.methods}")

    def wait_for_replies(self, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Wait for `count` accepted sendMessage calls; all of them so far."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.sent) >= count, timeout):
                raise AssertionError(
                    f"expected {count} replies, got {self.sent!r}; calls {self.methods}"
                )
            return list(self.sent)

    # --- what users do --------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        with self._changed:
            self.pending_updates.append(update)
            self._changed.notify_all()

    def make_update(
        self, text: str, *, user_id: int = 7001, chat_type: str = "private"
    ) -> dict[str, Any]:
        """A text message update with the next ids (to post to a webhook yourself)."""
        with self._changed:
            message_id = next(self._message_ids)
        return message_update(
            text, when=self.clock(), user_id=user_id, chat_type=chat_type, message_id=message_id
        )

    def make_press(
        self, message: dict[str, Any], data: str, *, user_id: int = 7001
    ) -> dict[str, Any]:
        """A press on an inline button of a message the bot sent (an item of `sent`)."""
        bot_message = {
            "message_id": int(message["message_id"]),
            "date": int(self.clock().timestamp()),
            "chat": chat_payload(int(message.get("chat_id") or user_id)),
            "from": BOT_USER,
            "text": message.get("text", ""),
        }
        return callback_update(data, when=self.clock(), message=bot_message, user_id=user_id)

    def send_text(self, text: str, *, user_id: int = 7001, chat_type: str = "private") -> None:
        """Queue a text message for the bot's next getUpdates."""
        self.push(self.make_update(text, user_id=user_id, chat_type=chat_type))

    def send_document(self, name: str, content: bytes, *, user_id: int = 7001) -> None:
        """Queue a private message carrying the file `name` (served to getFile)."""
        update = self.make_update("", user_id=user_id)
        message = update["message"]
        del message["text"]
        message.pop("entities", None)
        message["document"] = {
            "file_id": name,
            "file_unique_id": name,
            "file_name": name,
            "file_size": len(content),
        }
        with self._changed:
            self.files[name] = content
        self.push(update)

    def press(self, message: dict[str, Any], data: str, *, user_id: int = 7001) -> None:
        """Queue a press on the inline button with callback `data` of a message the bot sent."""
        self.push(self.make_press(message, data, user_id=user_id))

    # --- answering (both transports) ------------------------------------------------------

    def handle(self, path: str, content_type: str, body: bytes, *, blocking: bool) -> Reply | None:
        """Answer one HTTP request; None: drop the connection without an answer. `blocking`
        (the HTTP server's threads): long polls wait and sends take `send_delay`."""
        match = _PATH.search(unquote(path))  # a file URL comes quoted: the token's ":" as %3A
        if match is None:
            return _error(404, "Not Found")
        if self.token is not None and match["token"] != self.token:
            return _error(401, "Unauthorized")
        if match["file"]:
            return self._download(match["rest"])
        method = match["rest"].rstrip("/")
        params = decode_params(content_type, body)
        if method == "getUpdates" and blocking:
            self._long_poll(params)
        if method in MESSAGE_METHODS and blocking and self.send_delay:
            time.sleep(self.send_delay)
        with self._changed:
            try:
                return self._answer(method, params)
            finally:
                self._changed.notify_all()

    def _answer(self, method: str, params: dict[str, Any]) -> Reply | None:
        refusal = self._refusal(method, params)
        if refusal is not None:
            status, payload = refusal
            self.calls.append(ApiCall(method, params, None, status))
            return Reply.json(status, payload)
        reply = getattr(self, f"_api_{method}", None)
        if reply is None:
            call = ApiCall(method, params, None, 400)
            self.calls.append(call)
            self.unexpected.append(call)
            return _error(400, f"Bad Request: fake Bot API has no method {method!r}")
        try:
            result = reply(params)
        except _Refused as refused:
            self.calls.append(ApiCall(method, params, None, refused.status))
            return Reply.json(refused.status, refused.payload)
        self.calls.append(ApiCall(method, params, result))
        if method in MESSAGE_METHODS:
            chat_id = int(params.get("chat_id", 0))
            if self._record(method, params, result, chat_id):
                self.dropped += 1
                return None
        return Reply.json(200, {"ok": True, "result": result})

    def _refusal(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """Telegram's refusals of a send* to a chat (403 for any, the rest for messages),
        and its flood limits."""
        chat_id = _int(params.get("chat_id"))
        if not method.startswith("send") or chat_id is None:
            return None
        faults = self.faults
        if chat_id in faults.forbidden:
            return _body(403, "Forbidden: bot was blocked by the user")
        if method not in MESSAGE_METHODS:
            return None
        if chat_id in faults.not_found:
            return _body(400, "Bad Request: chat not found")
        if chat_id in faults.migrated:
            status, payload = _body(
                400, "Bad Request: group chat was upgraded to a supergroup chat"
            )
            payload["parameters"] = {"migrate_to_chat_id": faults.migrated[chat_id]}
            return status, payload
        if faults.server_errors.get(chat_id, 0) > 0:
            faults.server_errors[chat_id] -= 1
            return _body(502, "Bad Gateway")
        now = self.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        last = self._chat_last.get(chat_id)
        too_fast = last is not None and now - last < faults.per_chat_interval
        self._seen += 1
        forced = faults.throttle_every and self._seen % faults.throttle_every == 0
        full = faults.global_limit and len(self._window) >= faults.global_limit
        if not (full or too_fast or forced):
            return None
        self.throttled += 1
        status, payload = _body(429, f"Too Many Requests: retry after {faults.retry_after}")
        payload["parameters"] = {"retry_after": faults.retry_after}
        return status, payload

    def _record(
        self, method: str, params: dict[str, Any], result: dict[str, Any], chat_id: int
    ) -> bool:
        """Count an accepted message; True if its answer is to be dropped."""
        now = self.monotonic()
        self._window.append(now)
        self._chat_last[chat_id] = now
        self.accepted_times.append(now)
        self._delivered[chat_id].append({"method": method, **params})
        if method == "sendMessage":
            self.sent.append({**params, "message_id": result["message_id"]})
        for wanted, event in self._waiters:
            if len(self.accepted_times) >= wanted:
                event.set()
        if chat_id in self.faults.drop_after_record and chat_id not in self._dropped_once:
            self._dropped_once.add(chat_id)
            return True
        return False

    def _long_poll(self, params: dict[str, Any]) -> None:
        """Wait (at most LONG_POLL_CAP) until an update past `offset` is queued."""
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        with self._changed:
            self._changed.wait_for(
                lambda: any(u["update_id"] >= offset for u in self.pending_updates), timeout
            )

    def _download(self, path: str) -> Reply:
        file_id = path.removeprefix("documents/")
        with self._changed:
            self.downloads.append(path)
            self.calls.append(ApiCall("downloadFile", {"file_path": path}))
            content = self.files.get(file_id)
            self._changed.notify_all()
        if content is None or self.local_dir is not None:
            return _error(404, "Not Found")
        return Reply(200, content, "application/octet-stream")

    # --- the methods ----------------------------------------------------------------------

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
        self.edits.append(params)
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

    def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise _Refused(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        while self.pending_updates and self.pending_updates[0]["update_id"] < offset:
            self.pending_updates.popleft()  # confirmed
        limit = int(params.get("limit") or 100)
        return list(itertools.islice(self.pending_updates, max(1, min(limit, 100))))

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        commands = self.calls_to("setMyCommands")
        return commands[-1].params.get("commands", []) if commands else []

    def _ok(self, params: dict[str, Any]) -> bool:
        return True

    _api_answerCallbackQuery = _ok
    _api_setMyCommands = _ok
    _api_deleteMyCommands = _ok
    _api_sendChatAction = _ok
    _api_close = _ok
    _api_logOut = _ok


class _Refused(Exception):
    def __init__(self, status: int, description: str) -> None:
        self.status, self.payload = _body(status, description)


_PATH = re.compile(r"(?P<file>/file)?/bot(?P<token>[^/]+)/(?P<rest>.*)$")
"""…/bot<token>/<method> and …/file/bot<token>/<file path>, under any base URL's path."""


def _body(status: int, description: str) -> tuple[int, dict[str, Any]]:
    return status, {"ok": False, "error_code": status, "description": description}


def _error(status: int, description: str) -> Reply:
    return Reply.json(*_body(status, description))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def decode_params(content_type: str, body: bytes) -> dict[str, Any]:
    """The parameters a client sent: form fields (URL-encoded or multipart, values
    JSON-encoded as python-telegram-bot sends them) or a JSON object."""
    if content_type.startswith("multipart/form-data"):
        whole = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(whole)
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
