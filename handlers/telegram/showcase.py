"""/showcase: recently approved videos by category, for everyone."""

from __future__ import annotations

import asyncio

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot import messages
from bot.creators.submissions import SubmissionView
from bot.formatting import escape, split_html
from bot.services import services_from


async def showcase_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the recently approved videos, grouped by category."""
    submissions = services_from(context.bot_data).submissions
    shown = await asyncio.to_thread(submissions.showcase)
    hashtag = escape(submissions.hashtag)
    if not shown:
        await update.effective_message.reply_html(messages.SHOWCASE_EMPTY.format(hashtag=hashtag))
        return
    lines = [messages.SHOWCASE_HEADER.format(hashtag=hashtag)]
    for category, views in shown.items():
        lines.append(messages.SHOWCASE_CATEGORY.format(category=escape(category)))
        lines.extend(_line(view) for view in views)
    # Each line is whole HTML (a link), so splitting at line boundaries keeps the tags intact.
    for chunk in split_html("\n".join(lines)):
        await update.effective_chat.send_message(
            chunk,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )


def _line(view: SubmissionView) -> str:
    credit = messages.SHOWCASE_CREDIT.format(name=escape(view.creator_name or view.author or ""))
    return messages.SHOWCASE_LINE.format(
        url=escape(view.canonical_url).replace('"', "&quot;"),
        title=escape(view.title or messages.UNTITLED),
        platform=escape(view.platform),
        credit=credit if (view.creator_name or view.author) else "",
    )


def build_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        CommandHandler("showcase", showcase_command),
    ]
