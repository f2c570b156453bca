"""Cross-cutting checks shared by handlers: taking updates in (the ledger and the sender's
record), flood control, and who is an organizer."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot import messages
from bot.flood import Verdict
from bot.people import UserInfo
from bot.runtime.metrics import update_kind
from bot.services import services_from

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]


def organizer_only(handler: Handler) -> Handler:
    """Run `handler` only for organizers; anyone else is refused politely and logged.

    The check is on the user who sent the update (the presser of a button, the sender of a
    message), never on anything the update carries, so crafted callback data or forwarded
    messages give no power.
    """

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        services = services_from(context.bot_data)
        user = update.effective_user
        user_id = user.id if user else None
        if await asyncio.to_thread(services.people.is_organizer, user_id):
            return await handler(update, context)
        log.warning("refused %s to non-organizer user %s", handler.__name__, user_id)
        if update.callback_query is not None:
            await update.callback_query.answer(messages.ORGANIZERS_ONLY, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(messages.ORGANIZERS_ONLY)
        return None

    return guarded


async def count_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count the update for the metrics, by kind."""
    services_from(context.bot_data).metrics.updates.labels(kind=update_kind(update)).inc()


async def admit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the update and its sender; stop an update Telegram delivers a second time (it
    has had its effect already)."""
    user = update.effective_user
    sender = None
    if user is not None and not user.is_bot:
        sender = UserInfo(user.id, user.first_name, user.username, user.language_code)
    if not await services_from(context.bot_data).intake.admit(update.update_id, sender):
        raise ApplicationHandlerStop


async def limit_flood(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop a user's messages beyond the flood limit (one polite notice per window).

    Button presses are not counted: they only act on what the bot itself offered, and an
    organizer working through a review queue presses many in a row.
    """
    user = update.effective_user
    if user is None or update.message is None:
        return
    services = services_from(context.bot_data)
    verdict = await services.shared_flood.check(user.id, services.clock())  # all processes
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.NOTIFY:
        log.info("flood limit reached by user %s", user.id)
        await update.message.reply_text(messages.FLOOD_NOTICE)
    raise ApplicationHandlerStop


# Group -4: every update is counted, re-deliveries too.
metric_handlers: list[BaseHandler] = [TypeHandler(Update, count_update)]
# Group -3: every user is recorded; a re-delivered update goes no further, not even into
# flood control.
intake_handlers: list[BaseHandler] = [TypeHandler(Update, admit)]
# Group -2: flood control first, so a flood costs almost nothing and delays no one else.
flood_handlers: list[BaseHandler] = [TypeHandler(Update, limit_flood)]
