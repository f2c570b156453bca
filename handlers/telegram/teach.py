"""Teaching the bot from chat: /unanswered (answer what it could not), /faq (edit, delete).

Answering or editing is a conversation (answer text → preview → confirm), kept per organizer
and chat in the store like /broadcast's draft (`bot.flows`). Buttons name rows by database
id, so they work in any process; every handler checks that the presser is an organizer.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from enum import IntEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import messages
from bot.organizers.faqs import FaqError, UnansweredCount
from handlers.telegram.callbacks import TeachAction as Action
from handlers.telegram.callbacks import TeachButton
from handlers.telegram.conversations import END, Conversation, current
from handlers.telegram.guards import message_of, organizer_only
from handlers.telegram.replies import services

log = logging.getLogger(__name__)

FLOW = "teach"
PREFIX = TeachButton.tag
ANSWER = TeachButton(Action.ANSWER, "").encode()  # + id of an unanswered question row
EDIT = TeachButton(Action.EDIT, "").encode()  # + FAQ id
DELETE = TeachButton(Action.DELETE, "").encode()  # + FAQ id
DELETE_CONFIRM = TeachButton(Action.DELETE_CONFIRM, "").encode()  # + FAQ id
CONFIRM = TeachButton(Action.CONFIRM).encode()
DISCARD = TeachButton(Action.DISCARD).encode()
UNANSWERED_SHOWN = 10
FAQS_SHOWN = 30
BUTTON_COLUMNS = 5


class State(IntEnum):
    ANSWER = 1
    CONFIRM = 2


@dataclass
class Draft:
    """An answer being written by one organizer: for a new card, or for card `faq_id`."""

    question: str
    faq_id: str | None = None
    answer: str = ""


@organizer_only
async def unanswered_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The most frequent unanswered questions, each with a button to answer it."""
    entries = await asyncio.to_thread(_unanswered, context)
    message = message_of(update)
    if not entries:
        await message.reply_text(messages.UNANSWERED_EMPTY)
        return
    lines = [messages.UNANSWERED_HEADER]
    buttons = []
    for number, entry in enumerate(entries, start=1):
        lines.append(
            messages.UNANSWERED_ITEM.format(number=number, text=entry.text, count=entry.count)
        )
        label = messages.UNANSWERED_BUTTON.format(number=number)
        buttons.append(InlineKeyboardButton(label, callback_data=_data(Action.ANSWER, entry.ref)))
    rows = [buttons[i : i + BUTTON_COLUMNS] for i in range(0, len(buttons), BUTTON_COLUMNS)]
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


def _unanswered(context: ContextTypes.DEFAULT_TYPE) -> list[UnansweredCount]:
    return services(context).faqs.unanswered(UNANSWERED_SHOWN)


@organizer_only
async def faq_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Organizers' FAQ cards, each with buttons to edit or delete it."""
    cards = await asyncio.to_thread(services(context).faqs.cards)
    message = message_of(update)
    if not cards:
        await message.reply_text(messages.FAQ_EMPTY)
        return
    for card in cards[:FAQS_SHOWN]:
        text = messages.FAQ_ITEM.format(id=card.id, question=card.question, answer=card.answer)
        await message.reply_text(text, reply_markup=_card_keyboard(card.id))


def _card_keyboard(faq_id: str) -> InlineKeyboardMarkup | None:
    if not TeachButton(Action.DELETE_CONFIRM, faq_id).fits():
        return None  # an id from a file too long for a button: edit that file instead
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    messages.FAQ_EDIT_BUTTON, callback_data=_data(Action.EDIT, faq_id)
                ),
                InlineKeyboardButton(
                    messages.FAQ_DELETE_BUTTON, callback_data=_data(Action.DELETE, faq_id)
                ),
            ]
        ]
    )


# --- the conversation: answer text → preview → confirm ------------------------------------


@organizer_only
async def start_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State | None:
    """ "回答" under /unanswered: ask for the answer to that question."""
    query = update.callback_query
    ref = int(_ref(query.data) or 0)
    question = await asyncio.to_thread(services(context).faqs.question_of, ref)
    if question is None:
        await query.answer(messages.TEACH_GONE, show_alert=True)
        return None
    await query.answer()
    current(context).draft = asdict(Draft(question))
    await query.message.reply_text(messages.TEACH_ASK.format(question=question))
    return State.ANSWER


@organizer_only
async def start_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State | None:
    """ "修改" under a card of /faq: ask for its new answer."""
    query = update.callback_query
    faq_id = _ref(query.data)
    card = await asyncio.to_thread(services(context).faqs.card, faq_id)
    if card is None:
        await query.answer(messages.FAQ_GONE, show_alert=True)
        return None
    await query.answer()
    current(context).draft = asdict(Draft(card.question, faq_id=card.id))
    await query.message.reply_text(
        messages.FAQ_EDIT_ASK.format(id=card.id, question=card.question, answer=card.answer)
    )
    return State.ANSWER


@organizer_only
async def receive_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State:
    """Take the answer text and show it as the public will see it, to confirm."""
    draft = _draft(context)
    if draft is None:
        return END  # type: ignore[return-value]
    message = message_of(update)
    draft.answer = (message.text or "").strip()
    current(context).draft = asdict(draft)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    messages.TEACH_CONFIRM_BUTTON, callback_data=_data(Action.CONFIRM)
                ),
                InlineKeyboardButton(
                    messages.TEACH_DISCARD_BUTTON, callback_data=_data(Action.DISCARD)
                ),
            ]
        ]
    )
    preview = messages.TEACH_PREVIEW.format(question=draft.question, answer=draft.answer)
    await message.reply_text(preview, reply_markup=keyboard)
    return State.CONFIRM


async def text_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State:
    """A sticker, photo or file where the answer text was expected."""
    await update.effective_message.reply_text(messages.TEACH_TEXT_ONLY)
    return State.ANSWER


@organizer_only
async def confirm_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Store the card (or its new answer); this process answers from it at once, the others
    within a few seconds (the content revision)."""
    query = update.callback_query
    await query.answer()
    svc = services(context)
    flow = current(context)
    taken = await asyncio.to_thread(svc.flows.end, flow.chat_id, flow.user_id, flow.name)
    draft = _load(taken.draft) if taken is not None else None
    if draft is None:
        return END
    by = update.effective_user.id
    try:
        if draft.faq_id is None:
            card = await asyncio.to_thread(svc.faqs.teach, draft.question, draft.answer, by)
            reply = messages.TEACH_SAVED.format(id=card.id)
        else:
            card = await asyncio.to_thread(svc.faqs.edit, draft.faq_id, draft.answer, by)
            reply = messages.FAQ_EDITED.format(id=card.id)
    except FaqError as exc:
        await query.edit_message_reply_markup(None)
        await query.message.reply_text(messages.TEACH_REFUSED.format(reason=exc))
        return END
    log.info("organizer %s saved FAQ card %s", by, card.id)
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(reply)
    return END


async def discard_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/cancel or "放弃": nothing is stored."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    await update.effective_message.reply_text(messages.TEACH_DISCARDED)
    return END


def _draft(context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    return _load(current(context).draft)


def _load(data: dict[str, object]) -> Draft | None:
    return Draft(**data) if "question" in data else None  # type: ignore[arg-type]


# --- deleting a card -------------------------------------------------------------------------


@organizer_only
async def ask_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "删除" under a card: ask once more."""
    query = update.callback_query
    faq_id = _ref(query.data)
    card = await asyncio.to_thread(services(context).faqs.card, faq_id)
    if card is None:
        await query.answer(messages.FAQ_GONE, show_alert=True)
        return
    await query.answer()
    button = InlineKeyboardButton(
        messages.FAQ_DELETE_CONFIRM_BUTTON, callback_data=_data(Action.DELETE_CONFIRM, faq_id)
    )
    await query.message.reply_text(
        messages.FAQ_DELETE_ASK.format(id=faq_id, question=card.question),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


@organizer_only
async def delete_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete the card; its questions count as unanswered again."""
    query = update.callback_query
    faq_id = _ref(query.data)
    svc = services(context)
    by = update.effective_user.id
    try:
        await asyncio.to_thread(svc.faqs.delete, faq_id, by)
    except FaqError:
        await query.answer(messages.FAQ_GONE, show_alert=True)
        return
    log.info("organizer %s deleted FAQ card %s", by, faq_id)
    await query.answer()
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(messages.FAQ_DELETED.format(id=faq_id))


_TEXT = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
_OTHER = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND


def _data(action: Action, ref: object = None) -> str:
    return TeachButton(action, None if ref is None else str(ref)).encode()


def _ref(data: object) -> str:
    press = TeachButton.parse(data)
    return (press.ref or "") if press is not None else ""


def _answer_ref(data: object) -> bool:
    """An "回答" button naming an unanswered question's row id."""
    press = TeachButton.parse(data)
    return press is not None and press.action == Action.ANSWER and (press.ref or "").isdecimal()


def conversation() -> Conversation:
    """Answering a question or editing a card (its state in the store: `bot.flows`)."""
    return Conversation(
        FLOW,
        entry_points=[
            CallbackQueryHandler(start_answer, pattern=_answer_ref),
            CallbackQueryHandler(start_edit, pattern=TeachButton.matches(Action.EDIT)),
        ],
        states={
            State.ANSWER: [
                MessageHandler(_TEXT, receive_answer),
                MessageHandler(_OTHER, text_only),
            ],
            State.CONFIRM: [
                CallbackQueryHandler(confirm_answer, pattern=TeachButton.matches(Action.CONFIRM)),
                MessageHandler(_TEXT, receive_answer),  # a new text replaces the answer
            ],
        },
        fallbacks=[
            CommandHandler("cancel", discard_answer),
            CallbackQueryHandler(discard_answer, pattern=TeachButton.matches(Action.DISCARD)),
        ],
    )


def build_handlers() -> list[BaseHandler]:
    """/unanswered, /faq and deleting a card (answering and editing: `conversation()`)."""
    return [
        CommandHandler("unanswered", unanswered_command),
        CommandHandler("faq", faq_command),
        CallbackQueryHandler(ask_delete, pattern=TeachButton.matches(Action.DELETE)),
        CallbackQueryHandler(delete_card, pattern=TeachButton.matches(Action.DELETE_CONFIRM)),
    ]
