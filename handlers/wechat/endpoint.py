"""GET /wechat: WeChat checks the server (signature, echostr). POST /wechat: a message or an
event, in plain or safe (AES) mode, answered with a passive reply within WeChat's 5 seconds."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import tornado.web
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from bot import messages
from bot.channels import Channel
from bot.flood import Verdict
from bot.formatting import to_plain
from bot.runtime.http import LimitedBodyHandler
from bot.services import MAX_QUESTION_CHARS, Services
from handlers.wechat.replies import Continuations, OncePerMessage, split_reply

log = logging.getLogger(__name__)

WECHAT_BODY_BYTES = 1024 * 1024
REPLY_SECONDS = 4.0
"""WeChat waits 5 seconds for a reply; past this the message gets none (a retry may)."""
MAX_CLOCK_SKEW_SECONDS = 300
"""A signed request older (or newer) than this is a replay, not WeChat."""
NO_REPLY = "success"
"""What WeChat takes as "no reply, and do not retry"."""


@dataclass(frozen=True)
class WeChatConfig:
    token: str
    appid: str | None = None
    aes_key: str | None = None

    def crypto(self) -> WeChatCrypto | None:
        if self.aes_key is None or self.appid is None:
            return None
        return WeChatCrypto(self.token, self.aes_key, self.appid)


class WeChatState:
    """What one process remembers between WeChat's requests."""

    def __init__(self) -> None:
        self.once = OncePerMessage()
        self.continuations = Continuations()


class WeChatHandler(LimitedBodyHandler):
    """The Official Account's server address."""

    max_body = WECHAT_BODY_BYTES

    def initialize(  # type: ignore[override]
        self, services: Services, config: WeChatConfig, state: WeChatState
    ) -> None:
        super().initialize()
        self.services = services
        self.config = config
        self.state = state
        self.crypto = config.crypto()

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("Content-Type", "text/plain; charset=utf-8")

    def _check_signature(self) -> tuple[str, str]:
        """The request's timestamp and nonce, once its signature is WeChat's (else 403)."""
        signature = self.get_query_argument("signature", "")
        timestamp = self.get_query_argument("timestamp", "")
        nonce = self.get_query_argument("nonce", "")
        try:
            check_signature(self.config.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            log.warning("WeChat request with a bad signature from %s", self.request.remote_ip)
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN) from None
        now = self.services.clock().timestamp()
        if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            log.warning("WeChat request with a stale timestamp from %s", self.request.remote_ip)
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        return timestamp, nonce

    def get(self) -> None:
        self._check_signature()
        self.finish(self.get_query_argument("echostr", ""))

    async def post(self) -> None:
        timestamp, nonce = self._check_signature()
        body = self.body
        encrypted = self.get_query_argument("encrypt_type", "raw") == "aes"
        if encrypted:
            if self.crypto is None:
                log.warning("WeChat sent an encrypted message but no AES key is set")
                raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
            try:
                body = self.crypto.decrypt_message(
                    body, self.get_query_argument("msg_signature", ""), timestamp, nonce
                ).encode("utf-8")
            except (InvalidSignatureException, InvalidAppIdException):
                log.warning("WeChat message that does not decrypt from %s", self.request.remote_ip)
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN) from None
        try:
            message = parse_message(body)
        except Exception:
            message = None
        if message is None:
            log.warning("WeChat request that is not a message")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        key = _message_key(message)
        try:
            text = await asyncio.wait_for(
                self.state.once.reply(key, lambda: self._reply_text(message)), REPLY_SECONDS
            )
        except TimeoutError:
            log.warning("WeChat message %s not answered within %ss", key, REPLY_SECONDS)
            text = None
        if text is None:
            self.finish(NO_REPLY)
            return
        reply = create_reply(text, message).render()
        if encrypted and self.crypto is not None:
            reply = self.crypto.encrypt_message(reply, nonce, timestamp)
        self.set_header("Content-Type", "application/xml; charset=utf-8")
        self.finish(reply)

    async def _reply_text(self, message: Any) -> str | None:
        """What to say to one message (None: nothing)."""
        user = str(message.source)
        services = self.services
        if message.type == "event":
            if getattr(message, "event", "") in ("subscribe", "subscribe_scan"):
                return messages.WECHAT_WELCOME.format(hashtag=services.submissions.hashtag)
            return None
        visitor_id = services.visitors.visitor_id(Channel.WECHAT, user)
        verdict = services.flood.check(visitor_id, services.clock())
        if verdict is Verdict.NOTIFY:
            return messages.FLOOD_NOTICE
        if verdict is Verdict.DROP:
            return None
        if message.type != "text":
            return messages.WECHAT_UNSUPPORTED
        question = str(message.content or "").strip()
        continuations = self.state.continuations
        if question == messages.WECHAT_MORE_KEYWORD:
            return continuations.next(user) or messages.WECHAT_NO_MORE
        if len(question) > MAX_QUESTION_CHARS:
            return to_plain(messages.WEB_ASK_TOO_LONG.format(max=MAX_QUESTION_CHARS))
        answer = await services.questions.ask_async(question, visitor_id, Channel.WECHAT)
        text = answer.text
        return continuations.first(user, split_reply(text, messages.WECHAT_MORE_HINT))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish("")  # WeChat reads no error body; nothing is said to anyone

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if not isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)


def _message_key(message: Any) -> str:
    """WeChat's retries of one message share its MsgId; an event's, its sender, time and kind."""
    if message.id:
        return f"msg:{message.id}"
    return f"event:{message.source}:{message.time}:{getattr(message, 'event', message.type)}"


def wechat_routes(services: Services, config: WeChatConfig) -> list[Any]:
    """/wechat, for the composition root to serve beside the web chat."""
    state = WeChatState()
    return [
        (r"/wechat/?", WeChatHandler, {"services": services, "config": config, "state": state})
    ]
