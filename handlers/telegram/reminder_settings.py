"""/settings: show and change the daily digest time and the district."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import messages
from bot.outreach.subscriptions import SubscriptionInfo
from handlers.telegram import subscribe
from handlers.telegram.callbacks import SettingsAction, SettingsButton
from handlers.telegram.replies import services

PREFIX = SettingsButton.tag
TIME_CHOICES = ("07:00", "08:00", "09:00", "12:00", "18:00", "20:00")
TIME_COLUMNS = 3


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the reminder settings, or change them: `/settings 08:30`, `/settings 渝中区`."""
    user_id = update.effective_user.id
    subscriptions = services(context).subscriptions
    value = " ".join(context.args or [])
    if not value:
        info = await asyncio.to_thread(subscriptions.get, user_id)
        if info is None or not info.active:
            await update.effective_message.reply_text(messages.NOT_SUBSCRIBED)
            return
        await update.effective_message.reply_html(_summary(info), reply_markup=_keyboard())
        return
    try:
        if value[:1].isdigit():
            info = await asyncio.to_thread(subscriptions.set_digest_time, user_id, value)
        else:
            district = None if value == messages.SUBSCRIBE_WHOLE_CITY else value
            info = await asyncio.to_thread(subscriptions.set_district, user_id, district)
    except ValueError:
        await update.effective_message.reply_text(messages.SETTINGS_BAD_VALUE.format(value=value))
        return
    await update.effective_message.reply_text(
        messages.SETTINGS_SAVED.format(
            digest_time=info.digest_time,
            district=info.district or messages.SUBSCRIBE_WHOLE_CITY,
        )
    )


async def digest_time_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the digest time chosen with a button."""
    query = update.callback_query
    press = SettingsButton.parse(query.data)
    at = press.value if press is not None else ""
    subscriptions = services(context).subscriptions
    try:
        info = await asyncio.to_thread(subscriptions.set_digest_time, update.effective_user.id, at)
    except ValueError:
        await query.answer(messages.BUTTON_EXPIRED)
        return
    await query.answer(messages.SUBSCRIBE_DONE)
    await query.edit_message_text(
        _summary(info), parse_mode=ParseMode.HTML, reply_markup=_keyboard()
    )


def _summary(info: SubscriptionInfo) -> str:
    return subscribe.summary(info, messages.SETTINGS)


def _keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            messages.SETTINGS_BUTTON_TIME.format(time=at),
            callback_data=SettingsButton(SettingsAction.TIME, at).encode(),
        )
        for at in TIME_CHOICES
    ]
    rows = [buttons[i : i + TIME_COLUMNS] for i in range(0, len(buttons), TIME_COLUMNS)]
    # The district list and its buttons are /subscribe's.
    district = InlineKeyboardButton(
        messages.SUBSCRIBE_BUTTON_DISTRICT, callback_data=subscribe.DISTRICTS
    )
    rows.append([district])
    return InlineKeyboardMarkup(rows)


def build_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        CommandHandler("settings", settings_command),
        CallbackQueryHandler(
            digest_time_button, pattern=SettingsButton.matches(SettingsAction.TIME)
        ),
    ]
