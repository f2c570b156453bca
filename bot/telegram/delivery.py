"""The bot's Bot API client (python-telegram-bot's HTTPXRequest) and the outbox's Telegram side:
sending one part, and Telegram's and httpx's errors as outbox outcomes."""

from __future__ import annotations

import warnings
from datetime import timedelta

import httpx
from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.outreach import outbox
from bot.outreach.outbox import Part

READ_SECONDS = 5.0
"""How long an answer may take (getUpdates adds its long-poll time to it)."""
CONNECT_SECONDS = 5.0
WRITE_SECONDS = 5.0
MEDIA_WRITE_SECONDS = 20.0
"""Writing a request with a file (a chart, an export)."""
POOL_SECONDS = 10.0
"""How long a request waits for a free connection before it fails as timed out (not sent)."""

# HTTPXRequest raises TimedOut or NetworkError `from` the httpx exception (`__cause__`). These
# fail before the request left this machine: safe to send again.
_NOT_SENT_CAUSES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Any other httpx failure (a read or write timeout or error, the server closing the connection
# or answering what cannot be read) may come once the request, or part of it, was written.
_MAYBE_SENT_CAUSES = (httpx.HTTPError,)


def bot_api_request(connections: int) -> HTTPXRequest:
    """The bot's Bot API client: at most `connections` connections, a request waiting up to
    `POOL_SECONDS` for one. A proxy comes from the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
    `ALL_PROXY`, `NO_PROXY`), as httpx reads it when the client is made."""
    return HTTPXRequest(
        connection_pool_size=connections,
        read_timeout=READ_SECONDS,
        write_timeout=WRITE_SECONDS,
        connect_timeout=CONNECT_SECONDS,
        pool_timeout=POOL_SECONDS,
        media_write_timeout=MEDIA_WRITE_SECONDS,
    )


class TelegramSender:
    """Sends outbox parts with a bot; raises `bot.outreach.outbox` errors the dispatcher understands."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(self, chat_id: int, part: Part) -> None:
        try:
            await self._send(chat_id, part)
        except TelegramError as exc:
            raise delivery_error(exc) from exc

    async def _send(self, chat_id: int, part: Part) -> None:
        kind = part.get("type")
        if kind == "text":
            await self._bot.send_message(chat_id, part["text"], parse_mode=ParseMode.HTML)
        elif kind == "photo":
            photo = part.get("file_id") or InputFile(outbox.png_of(part), filename="chart.png")
            await self._bot.send_photo(
                chat_id, photo, caption=part.get("caption"), parse_mode=ParseMode.HTML
            )
        elif kind == "document":
            await self._bot.send_document(
                chat_id, part["file_id"], caption=part.get("caption"), parse_mode=ParseMode.HTML
            )
        else:
            raise outbox.Rejected(f"unknown part type {kind!r}")


def delivery_error(exc: TelegramError) -> outbox.DeliveryError:
    """What a Telegram error means for an outbox row."""
    if isinstance(exc, RetryAfter):
        return outbox.RetryAfter(_retry_after_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return outbox.Migrated(exc.new_chat_id)
    if isinstance(exc, Forbidden):
        return outbox.Unreachable(exc.message)
    if isinstance(exc, BadRequest):
        return outbox.Rejected(exc.message)
    if isinstance(exc, TimedOut | NetworkError):
        cause = exc.__cause__
        if isinstance(cause, _NOT_SENT_CAUSES):
            return outbox.NotSent(exc.message)
        if isinstance(cause, _MAYBE_SENT_CAUSES) or isinstance(exc, TimedOut):
            return outbox.MaybeSent(exc.message)
        return outbox.NotSent(exc.message)  # Telegram answered with a server error (5xx)
    return outbox.Rejected(exc.message)


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int will become a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
