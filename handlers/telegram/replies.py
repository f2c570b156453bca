"""Sending answers: escaped HTML, split under Telegram's limit, suggestions as buttons."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.formatting import escape, split_html
from bot.services import Services, services_from, suggestions_shown
from content.answers import Answer
from handlers.telegram.callbacks import MAX_BYTES, Ask, AskKey, decode
from handlers.telegram.guards import may_answer

ASK_TEXT_PREFIX = Ask.tag
"""Callback data of a suggestion button: the prefix, then the question itself."""
ASK_KEY_PREFIX = AskKey.tag
"""Callback data of a suggestion too long for a button: the prefix, then a short key."""
MAX_CALLBACK_BYTES = MAX_BYTES


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The application's services (built by `build_application`)."""
    return services_from(context.bot_data)


def suggestion_data(question: str, services: Services) -> str:
    """Callback data that asks `question` when its button is pressed."""
    whole = Ask(question)
    if whole.fits():
        return whole.encode()
    return AskKey(services.button_texts.key_for(question)).encode()


async def suggestion_question(data: str, services: Services) -> str | None:
    """The question behind a button's callback data, or None if it is unknown or expired
    (a short key is looked up in the store unless this process has its text already)."""
    press = decode(data)
    if isinstance(press, Ask):
        return press.question or None
    if isinstance(press, AskKey):
        texts = services.button_texts
        return texts.cached(press.key) or await asyncio.to_thread(texts.text_for, press.key)
    return None


def suggestion_keyboard(answer: Answer, services: Services) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(question, callback_data=suggestion_data(question, services))]
        for question in suggestions_shown(answer)
    ]
    if not rows:
        return None
    return InlineKeyboardMarkup(rows)


async def send_answer(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    answer: Answer,
    *,
    header: str = "",
    reply_to: Message | None = None,
) -> None:
    """Send an answer as one or more HTML messages; buttons go under the last one."""
    if not await may_answer(context):
        return  # another handling of this question after a crash answers it
    body = escape(answer.text)
    chunks = split_html(f"{header}\n{body}" if header else body)
    markup = suggestion_keyboard(answer, services(context))
    for number, chunk in enumerate(chunks, start=1):
        last = number == len(chunks)
        await context.bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if last else None,
            reply_to_message_id=reply_to.message_id if reply_to and number == 1 else None,
        )
