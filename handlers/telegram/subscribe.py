"""/subscribe and /unsubscribe, with buttons for the district and the topics."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import messages
from bot.formatting import escape
from bot.outreach.subscriptions import TOPICS, SubscriptionInfo
from handlers.telegram.callbacks import SubscribeAction as Action
from handlers.telegram.callbacks import SubscribeButton
from handlers.telegram.replies import services

PREFIX = SubscribeButton.tag
DISTRICTS = SubscribeButton(Action.DISTRICTS).encode()
DISTRICT = SubscribeButton(Action.DISTRICT, "").encode()  # + district name, or the whole city
TOPIC = SubscribeButton(Action.TOPIC, "").encode()  # + topic key
DONE = SubscribeButton(Action.DONE).encode()
DISTRICT_COLUMNS = 3


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe the user and show their choices with buttons to change them."""
    user_id = update.effective_user.id
    info = await asyncio.to_thread(services(context).subscriptions.subscribe, user_id)
    await update.effective_message.reply_html(
        _summary(info), reply_markup=_settings_keyboard(info)
    )


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop sending the user announcements."""
    user_id = update.effective_user.id
    stopped = await asyncio.to_thread(services(context).subscriptions.unsubscribe, user_id)
    await update.effective_message.reply_text(
        messages.UNSUBSCRIBED if stopped else messages.NOT_SUBSCRIBED
    )


async def subscription_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Change the district or a topic, or close the settings."""
    query = update.callback_query
    press = SubscribeButton.parse(query.data)
    if press is None:
        await query.answer(messages.BUTTON_EXPIRED)
        return
    subscriptions = services(context).subscriptions
    user_id = update.effective_user.id
    if press.action == Action.DISTRICTS:
        districts = await asyncio.to_thread(subscriptions.districts)
        await query.answer()
        await query.edit_message_text(
            messages.SUBSCRIBE_CHOOSE_DISTRICT, reply_markup=_district_keyboard(districts)
        )
        return
    if press.action == Action.DONE:
        await query.answer(messages.SUBSCRIBE_DONE)
        info = await asyncio.to_thread(subscriptions.get, user_id)
        if info is not None:
            await query.edit_message_text(_summary(info), parse_mode=ParseMode.HTML)
        return
    try:
        if press.action == Action.DISTRICT:
            district = press.arg or None
            info = await asyncio.to_thread(subscriptions.set_district, user_id, district)
        else:
            topic = press.arg or ""
            info = await asyncio.to_thread(subscriptions.toggle_topic, user_id, topic)
    except ValueError:
        await query.answer(messages.BUTTON_EXPIRED)
        return
    await query.answer()
    await query.edit_message_text(
        _summary(info), parse_mode=ParseMode.HTML, reply_markup=_settings_keyboard(info)
    )


def _summary(info: SubscriptionInfo) -> str:
    return summary(info, messages.SUBSCRIBED)


def summary(info: SubscriptionInfo, template: str) -> str:
    """A subscription's district, topics and digest time in `template` (HTML)."""
    topics = "、".join(TOPICS[t] for t in info.topics if t in TOPICS)
    return template.format(
        district=escape(info.district or messages.SUBSCRIBE_WHOLE_CITY),
        topics=escape(topics) or messages.SUBSCRIBE_NO_TOPICS,
        digest_time=info.digest_time,
    )


def _settings_keyboard(info: SubscriptionInfo) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(messages.SUBSCRIBE_BUTTON_DISTRICT, callback_data=DISTRICTS)]]
    for topic, label in TOPICS.items():
        mark = "☑️" if topic in info.topics else "⬜"
        data = SubscribeButton(Action.TOPIC, topic).encode()
        rows.append([InlineKeyboardButton(f"{mark} {label}", callback_data=data)])
    rows.append([InlineKeyboardButton(messages.SUBSCRIBE_BUTTON_DONE, callback_data=DONE)])
    return InlineKeyboardMarkup(rows)


def _district_keyboard(districts: list[str]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(messages.SUBSCRIBE_WHOLE_CITY, callback_data=DISTRICT)]
    buttons += [
        InlineKeyboardButton(name, callback_data=press.encode())
        for name in districts
        if (press := SubscribeButton(Action.DISTRICT, name)).fits()
    ]
    rows = [buttons[i : i + DISTRICT_COLUMNS] for i in range(0, len(buttons), DISTRICT_COLUMNS)]
    return InlineKeyboardMarkup(rows)


def build_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        CommandHandler("subscribe", subscribe_command),
        CommandHandler("unsubscribe", unsubscribe_command),
        CallbackQueryHandler(subscription_button, pattern=SubscribeButton.matches()),
    ]
