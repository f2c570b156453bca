"""Questions: /ask, plain text in private chats, mentions in groups, suggestion buttons."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity, Update
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
from handlers.telegram.callbacks import Ask, AskKey
from handlers.telegram.guards import message_of, plain_question
from handlers.telegram.replies import (
    send_answer,
    services,
    suggestion_question,
)


@plain_question
async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/ask 问题` (in any chat)."""
    message = message_of(update)
    parts = (message.text or "").split(maxsplit=1)
    question = parts[1].strip() if len(parts) > 1 else ""
    if not question:
        await message.reply_html(messages.ASK_USAGE)
        return
    await _answer_message(message, question, context)


@plain_question
async def ask_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer plain text in a private chat as a question."""
    message = message_of(update)
    await _answer_message(message, message.text or "", context)


@plain_question
async def ask_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message that mentions the bot (or replies to it); ignore the rest."""
    message = message_of(update)
    if not _addresses_bot(message, context):
        return
    username = re.escape(f"@{context.bot.username}")
    question = re.sub(username, " ", message.text or "", flags=re.IGNORECASE).strip()
    if not question:
        await message.reply_html(messages.ASK_USAGE)
        return
    await _answer_message(message, question, context)


@plain_question
async def ask_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the question behind a pressed suggestion button."""
    query = update.callback_query
    question = await suggestion_question(query.data or "", services(context))
    if question is None:
        await query.answer(messages.BUTTON_EXPIRED)
        return
    await query.answer()
    user_id = update.effective_user.id if update.effective_user else None
    answer = await services(context).questions.ask_async(question, user_id)
    header = messages.QUESTION_HEADER.format(question=escape(question))
    await send_answer(context, update.effective_chat.id, answer, header=header)


async def _answer_message(
    message: Message, question: str, context: ContextTypes.DEFAULT_TYPE
) -> None:
    user_id = message.from_user.id if message.from_user else None
    # No "typing…" first: an answer takes a millisecond, the extra request would cost more.
    answer = await services(context).questions.ask_async(question, user_id)
    in_group = message.chat.type != "private"
    await send_answer(context, message.chat_id, answer, reply_to=message if in_group else None)


def _addresses_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    bot = context.bot
    mention = f"@{bot.username}".lower()
    for entity, text in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if entity.type == MessageEntity.MENTION and text.lower() == mention:
            return True
        if entity.user is not None and entity.user.id == bot.id:
            return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


_QUESTION_TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


def _suggestion(data: object) -> bool:
    return Ask.matches()(data) or AskKey.matches()(data)


_BUTTON_DATA = _suggestion


def build_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        CommandHandler("ask", ask_command, filters=filters.UpdateType.MESSAGE),
        MessageHandler(_QUESTION_TEXT & filters.ChatType.PRIVATE, ask_text),
        MessageHandler(_QUESTION_TEXT & filters.ChatType.GROUPS, ask_mention),
        CallbackQueryHandler(ask_button, pattern=_BUTTON_DATA),
    ]
