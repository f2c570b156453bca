"""Creators: /submit and links in private chats, the guided flow (title, category, name), /mine.

The flow is a conversation per private chat, its state in the store (`bot.flows`), so any
process goes on with it. Each link is stored as soon as it is accepted (so a creator who walks away still has a valid submission in the queue); the flow
only fills in what is missing, and cancelling withdraws what this message handed in.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import messages
from bot.creators.categories import CATEGORIES
from bot.creators.links import looks_like_links
from bot.creators.replies import accepts_text, results_text, short_link
from bot.creators.submissions import Outcome, SubmissionResult
from bot.flows import Flow
from bot.formatting import escape
from bot.services import Services, services_from
from handlers.telegram.callbacks import SubmitAction, SubmitButton
from handlers.telegram.conversations import END, Conversation, current
from handlers.telegram.guards import message_of


class SubmitState(IntEnum):
    """Steps of the guided flow."""

    TITLE = 1
    CATEGORY = 2
    CREATOR = 3


FLOW = "submit"
ACCEPTS_SHOWN = "submit_accepts_shown"
"""A flow row without steps: the creator has seen the list of accepted platforms after a
refused link (for as long as a flow row lasts)."""


@dataclass
class Untitled:
    """A video still without a title: what asking for it needs."""

    id: int
    creator_id: int
    platform: str
    canonical_url: str


@dataclass
class SubmitFlow:
    """What one message handed in, and what is still to ask (the flow's draft)."""

    ids: list[int]
    untitled: list[Untitled]
    without_tag: int
    """Videos whose page was read and shows no topic tag."""
    unchecked: int = 0
    """Videos whose page could not be read (and whose share text shows no tag)."""
    known_name: str | None = None
    asked: list[str] = field(default_factory=list)

    def dump(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> SubmitFlow | None:
        if "ids" not in data:
            return None
        untitled = [Untitled(**item) for item in data.get("untitled", [])]
        return cls(**{**data, "untitled": untitled})


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return services_from(context.bot_data)


# --- handing in ---------------------------------------------------------------------------------


async def submit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Hand in the links after `/submit`, or explain what is accepted."""
    message = message_of(update)
    parts = (message.text or "").split(maxsplit=1)
    if len(parts) < 2:
        await message.reply_html(_accepts(_services(context)))
        return None
    return await _hand_in(message, parts[1], context)


async def submit_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Hand in the links of a private message (a share text is fine)."""
    message = message_of(update)
    return await _hand_in(message, message.text or "", context)


async def submit_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for links in a private chat rather than in a group."""
    await update.effective_message.reply_text(messages.SUBMIT_IN_PRIVATE)


async def _hand_in(message: Message, text: str, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    services = _services(context)
    creator_id = message.from_user.id if message.from_user else message.chat_id
    source = f"{message.chat_id}:{message.message_id}"
    await context.bot.send_chat_action(message.chat_id, "typing")
    results = await asyncio.to_thread(services.submissions.submit, text, creator_id, source)
    if all(result.outcome == Outcome.REPEATED for result in results):
        return None  # this very message was handled before (a re-delivered update)
    text = await _results_text(results, services, message.chat_id, creator_id)
    await message.reply_html(text, link_preview_options=_NO_PREVIEW)
    accepted = [r.submission for r in results if r.outcome == Outcome.ACCEPTED and r.submission]
    if not accepted:
        return None  # nothing new: a flow already under way goes on
    known_name = await asyncio.to_thread(services.submissions.last_creator_name, creator_id)
    flow = SubmitFlow(
        ids=[view.id for view in accepted],
        untitled=[
            Untitled(view.id, view.creator_id, view.platform, view.canonical_url)
            for view in accepted
            if not view.title
        ],
        without_tag=sum(not view.has_hashtag and view.page_read for view in accepted),
        unchecked=sum(not view.has_hashtag and not view.page_read for view in accepted),
        known_name=known_name,
    )
    return await _next_step(message, flow, context)


async def _results_text(
    results: list[SubmissionResult], services: Services, chat_id: int, creator_id: int
) -> str:
    """The results, with the list of accepted platforms only the first time it is needed."""
    refused = any(result.outcome == Outcome.REFUSED for result in results)
    seen = await asyncio.to_thread(services.flows.get, chat_id, creator_id, ACCEPTS_SHOWN)
    if refused and seen is None:
        await asyncio.to_thread(services.flows.save, Flow(chat_id, creator_id, ACCEPTS_SHOWN, 0))
    return results_text(
        results,
        services.submissions,
        services.settings.tz,
        accepts=None if seen else messages.SUBMIT_ACCEPTS,
        next_steps=messages.RESULT_NEXT_STEPS,
    )


def _accepts(services: Services) -> str:
    return accepts_text(services.submissions)


# --- the guided flow ----------------------------------------------------------------------------


async def _next_step(message: Message, flow: SubmitFlow, context: Any) -> int:
    """Ask the next missing thing (the flow's draft is what is known after it)."""
    state = await _ask_next(message, flow, context)
    current(context).draft = flow.dump()
    return state


async def _ask_next(message: Message, flow: SubmitFlow, context: Any) -> int:
    """Ask the next missing thing: titles first, then the category, then the name."""
    if flow.untitled:
        view = flow.untitled[0]
        text = messages.ASK_TITLE.format(
            platform=escape(view.platform), link=escape(short_link(view.canonical_url))
        )
        await message.reply_html(
            text, reply_markup=_cancel_keyboard(), link_preview_options=_NO_PREVIEW
        )
        return SubmitState.TITLE
    if "category" not in flow.asked:
        flow.asked.append("category")
        text = (
            messages.ASK_CATEGORY
            if len(flow.ids) == 1
            else messages.ASK_CATEGORY_MANY.format(count=len(flow.ids))
        )
        await message.reply_html(text, reply_markup=_category_keyboard())
        return SubmitState.CATEGORY
    if "creator" not in flow.asked:
        flow.asked.append("creator")
        await message.reply_html(messages.ASK_CREATOR, reply_markup=_creator_keyboard(flow))
        return SubmitState.CREATOR
    return await _finish(message, flow, context)


async def _finish(message: Message, flow: SubmitFlow, context: Any) -> int:
    services = _services(context)
    hashtag = escape(services.submissions.hashtag)
    notes = []
    if flow.without_tag:
        notes.append(messages.SUBMIT_DONE_NO_TAG.format(count=flow.without_tag, hashtag=hashtag))
    if flow.unchecked:
        notes.append(messages.SUBMIT_DONE_UNCHECKED.format(count=flow.unchecked, hashtag=hashtag))
    tag_line = messages.SUBMIT_DONE_TAG_SEP.join(notes) or messages.SUBMIT_DONE_TAGGED.format(
        hashtag=hashtag
    )
    text = messages.SUBMIT_DONE.format(count=len(flow.ids)) + "\n" + tag_line  # one tag line
    await message.reply_html(text)
    return END


def _flow(context: ContextTypes.DEFAULT_TYPE) -> SubmitFlow | None:
    return SubmitFlow.load(current(context).draft)


async def title_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Take the creator's title for the first untitled video."""
    message = message_of(update)
    flow = _flow(context)
    if flow is None:
        return END
    view = flow.untitled.pop(0)
    submissions = _services(context).submissions
    await asyncio.to_thread(submissions.set_title, view.id, view.creator_id, message.text or "")
    return await _next_step(message, flow, context)


async def category_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Set the pressed category on every video of the message."""
    query = update.callback_query
    flow = _flow(context)
    press = SubmitButton.parse(query.data)
    index = press.index if press is not None else None
    if flow is None or index is None or index >= len(CATEGORIES):
        await query.answer(messages.FLOW_BUTTON_EXPIRED)
        return END
    await query.answer()
    category = CATEGORIES[index]
    await _set_category(update, context, flow, category)
    await query.edit_message_text(messages.CATEGORY_CHOSEN.format(category=category))
    return await _next_step(query.message, flow, context)  # type: ignore[arg-type]


async def category_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Accept a typed category name; anything else gets a reminder to press a button."""
    message = message_of(update)
    flow = _flow(context)
    category = (message.text or "").strip()
    if flow is None or category not in CATEGORIES:
        await message.reply_text(messages.ASK_CATEGORY_AGAIN)
        return None
    await _set_category(update, context, flow, category)
    return await _next_step(message, flow, context)


async def _set_category(update: Update, context: Any, flow: SubmitFlow, category: str) -> None:
    submissions = _services(context).submissions
    creator_id = update.effective_user.id
    await asyncio.to_thread(submissions.set_category, flow.ids, creator_id, category)


async def creator_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Skip the name, or keep the one given last time."""
    query = update.callback_query
    flow = _flow(context)
    await query.answer()
    if flow is None:
        return END
    press = SubmitButton.parse(query.data)
    keep = press is not None and press.action == SubmitAction.KEEP_NAME
    name = flow.known_name if keep else None
    await _set_name(update, context, flow, name)
    chosen = messages.CREATOR_CHOSEN.format(name=escape(name)) if name else None
    await query.edit_message_text(chosen or messages.CREATOR_SKIPPED, parse_mode=ParseMode.HTML)
    return await _finish(query.message, flow, context)  # type: ignore[arg-type]


async def creator_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Take the creator's name or organisation."""
    message = message_of(update)
    flow = _flow(context)
    if flow is None:
        return END
    await _set_name(update, context, flow, message.text or "")
    return await _finish(message, flow, context)


async def _set_name(update: Update, context: Any, flow: SubmitFlow, name: str | None) -> None:
    submissions = _services(context).submissions
    creator_id = update.effective_user.id
    await asyncio.to_thread(submissions.set_creator_name, flow.ids, creator_id, name)


async def cancel_flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Withdraw what this message handed in and end the flow."""
    flow = _flow(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    if flow is not None:
        submissions = _services(context).submissions
        await asyncio.to_thread(submissions.withdraw, flow.ids, update.effective_user.id)
    await update.effective_chat.send_message(messages.SUBMIT_CANCELLED)
    return END


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A flow button pressed after its flow ended."""
    await update.callback_query.answer(messages.FLOW_BUTTON_EXPIRED)


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel outside any flow."""
    await update.effective_message.reply_text(messages.NOTHING_TO_CANCEL)


# --- the creator's own list ---------------------------------------------------------------------


async def mine_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the creator's submissions with their status."""
    submissions = _services(context).submissions
    views = await asyncio.to_thread(submissions.mine, update.effective_user.id)
    if not views:
        await update.effective_message.reply_html(messages.MINE_EMPTY)
        return
    lines = [messages.MINE_HEADER.format(count=len(views))]
    for number, view in enumerate(views, start=1):
        lines.append(
            messages.MINE_LINE.format(
                number=number,
                platform=escape(view.platform),
                title=escape(view.title or messages.UNTITLED),
                status=messages.STATUS_LABELS[view.status],
            )
        )
        if view.review_reason and view.status == "rejected":
            lines.append(messages.MINE_REASON.format(reason=escape(view.review_reason)))
    await update.effective_message.reply_html("\n".join(lines))


# --- keyboards and wiring -----------------------------------------------------------------------

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _cancel_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(
        messages.BUTTON_CANCEL, callback_data=SubmitButton(SubmitAction.CANCEL).encode()
    )


def _cancel_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_cancel_button()]])


def _category_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            category, callback_data=SubmitButton(SubmitAction.CATEGORY, index).encode()
        )
        for index, category in enumerate(CATEGORIES)
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup([*rows, [_cancel_button()]])


def _creator_keyboard(flow: SubmitFlow) -> InlineKeyboardMarkup:
    skip = SubmitButton(SubmitAction.SKIP_NAME).encode()
    row = [InlineKeyboardButton(messages.BUTTON_SKIP, callback_data=skip)]
    if flow.known_name:
        label = messages.BUTTON_KEEP_NAME.format(name=flow.known_name[:30])
        keep = SubmitButton(SubmitAction.KEEP_NAME).encode()
        row.insert(0, InlineKeyboardButton(label, callback_data=keep))
    return InlineKeyboardMarkup([row, [_cancel_button()]])


class _HasLinks(filters.MessageFilter):
    """Messages with something link-like: submissions, not questions."""

    def filter(self, message: Message) -> bool:
        return looks_like_links(message.text or "")


_PRIVATE_TEXT = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT
_PLAIN_TEXT = _PRIVATE_TEXT & ~filters.COMMAND


def conversation() -> Conversation:
    """The guided flow after links are handed in (its state in the store: `bot.flows`)."""
    category_pattern = SubmitButton.matches(SubmitAction.CATEGORY)
    name_pattern = SubmitButton.matches(SubmitAction.SKIP_NAME, SubmitAction.KEEP_NAME)
    return Conversation(
        FLOW,
        entry_points=[
            CommandHandler("submit", submit_command, filters=filters.ChatType.PRIVATE),
            MessageHandler(_PLAIN_TEXT & _HasLinks(), submit_text),
        ],
        states={
            SubmitState.TITLE: [MessageHandler(_PLAIN_TEXT, title_text)],
            SubmitState.CATEGORY: [
                CallbackQueryHandler(category_button, pattern=category_pattern),
                MessageHandler(_PLAIN_TEXT, category_text),
            ],
            SubmitState.CREATOR: [
                CallbackQueryHandler(creator_button, pattern=name_pattern),
                MessageHandler(_PLAIN_TEXT, creator_text),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel_flow),
            CallbackQueryHandler(cancel_flow, pattern=SubmitButton.matches(SubmitAction.CANCEL)),
        ],
        allow_reentry=True,
    )


def build_handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The creators' handlers besides the flow, in the order they are tried."""
    return [
        CommandHandler("submit", submit_in_group, filters=filters.ChatType.GROUPS),
        CallbackQueryHandler(expired_button, pattern=SubmitButton.matches()),
        CommandHandler("mine", mine_command),
    ]


# /cancel with nothing under way; registered after every conversation that handles /cancel.
def build_late_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        CommandHandler("cancel", nothing_to_cancel),
    ]
