"""Organizer administration: /grant and /revoke the organizer role, /stats."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot import messages
from bot.formatting import escape, split_html
from bot.people import RoleError
from handlers.telegram.guards import message_of, organizer_only
from handlers.telegram.replies import services


def _target_user(update: Update) -> int | None:
    """The user id after the command, or the sender of the message replied to."""
    message = message_of(update)
    parts = (message.text or "").split()
    if len(parts) > 1:
        try:
            return int(parts[1])
        except ValueError:
            return None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id
    return None


@organizer_only
async def grant_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Make another user an organizer."""
    message = message_of(update)
    user_id = _target_user(update)
    if user_id is None:
        await message.reply_text(messages.GRANT_USAGE)
        return
    people = services(context).people
    granted = await asyncio.to_thread(people.grant, user_id, update.effective_user.id)
    reply = messages.GRANTED if granted else messages.ALREADY_ORGANIZER
    await message.reply_text(reply.format(user=user_id))


@organizer_only
async def revoke_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take the organizer role back (not from configured admins)."""
    message = message_of(update)
    user_id = _target_user(update)
    if user_id is None:
        await message.reply_text(messages.REVOKE_USAGE)
        return
    people = services(context).people
    try:
        revoked = await asyncio.to_thread(people.revoke, user_id, update.effective_user.id)
    except RoleError as exc:
        await message.reply_text(
            messages.REVOKE_REFUSED.format(
                user=user_id,
                reason=messages.ROLE_REFUSALS.get(exc.reason, messages.ROLE_REFUSED_OTHER),
            )
        )
        return
    reply = messages.REVOKED if revoked else messages.NOT_ORGANIZER
    await message.reply_text(reply.format(user=user_id))


@organizer_only
async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Campaign statistics as text, then as a chart (drawn in a worker thread)."""
    text, png = await asyncio.to_thread(services(context).figures.snapshot)
    for chunk in split_html(escape(text)):
        await update.effective_message.reply_html(chunk)
    if png is not None:
        await update.effective_message.reply_photo(png, caption=messages.STATS_CHART_CAPTION)


def build_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        CommandHandler("grant", grant_command),
        CommandHandler("revoke", revoke_command),
        CommandHandler("stats", stats_command),
    ]
