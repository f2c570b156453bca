"""The one error handler: log the exception, then tell the user."""

from __future__ import annotations

import logging
from contextlib import suppress

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot import messages
from bot.services import services_from

log = logging.getLogger(__name__)


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception with its traceback, then apologise to the user if there is one."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if isinstance(context.error, RetryAfter):
        services_from(context.bot_data).metrics.reply_429.inc()
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        with suppress(TelegramError):  # the query may already be answered or too old
            await update.callback_query.answer()
    if update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, messages.ERROR)
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)
