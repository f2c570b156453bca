"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import messages
from bot.formatting import escape
from bot.services import services_from


async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the user and say what the bot can do."""
    user = update.effective_user
    name = f"，{escape(user.first_name)}" if user and user.first_name else ""
    hashtag = escape(services_from(context.bot_data).submissions.hashtag)
    await update.effective_message.reply_html(messages.WELCOME.format(name=name, hashtag=hashtag))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask questions."""
    hashtag = escape(services_from(context.bot_data).submissions.hashtag)
    await update.effective_message.reply_html(messages.HELP.format(hashtag=hashtag))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user a command is unknown and where to find the known ones."""
    await update.effective_message.reply_html(messages.UNKNOWN_COMMAND)


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no handler took: from a flow that ended or expired, an older keyboard, or
    crafted data. Answered, so the client stops its spinner and says why."""
    await update.callback_query.answer(messages.BUTTON_EXPIRED)


# Registered after every other handler of group 0: only commands and buttons nobody took.
def build_fallback_handlers() -> list[BaseHandler]:
    """Unknown commands and expired buttons, built for one Application."""
    return [
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        CallbackQueryHandler(expired_button),
    ]


def build_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        CommandHandler("start", start_command),
        CommandHandler("help", help_command),
    ]
