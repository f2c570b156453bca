"""The outbox's Telegram side: sending one part, and Telegram's errors as outbox outcomes."""

from __future__ import annotations

import warnings
from datetime import timedelta

import aiohttp
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
from telegram.warnings import PTBDeprecationWarning

from bot.outreach import outbox
from bot.outreach.outbox import Part
from bot.telegram.bot_api import NOT_SENT

# Failures that happen before a request leaves this machine: safe to send again. The bot
# sends through its aiohttp client; python-telegram-bot's httpx one serves getUpdates.
_NOT_SENT_CAUSES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, *NOT_SENT)
# Failures of the transport once the request may have been written: it may have arrived.
_MAYBE_SENT_CAUSES = (httpx.HTTPError, aiohttp.ClientError, TimeoutError)


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
        if isinstance(cause, _MAYBE_SENT_CAUSES):
            return outbox.MaybeSent(exc.message)
        if isinstance(exc, TimedOut):
            return outbox.MaybeSent(exc.message)
        return outbox.NotSent(exc.message)  # Telegram answered with a server error
    return outbox.Rejected(exc.message)


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int will become a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
