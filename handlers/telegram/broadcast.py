"""/broadcast (content → audience → time → preview → confirm), /broadcasts, progress, stop."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import messages
from bot.formatting import check_html, escape
from bot.outreach.broadcasts import parse_send_time, progress_bar, time_example
from bot.outreach.outbox import ACTIVE, BroadcastInfo, DeliveryError, Part, media_parts, text_parts
from bot.outreach.subscriptions import (
    AUDIENCE_ALL,
    AUDIENCE_CREATORS,
    AUDIENCE_DISTRICT,
    audience_label,
)
from bot.services import services_from
from bot.telegram.delivery import TelegramSender
from handlers.telegram.callbacks import BroadcastAction as Action
from handlers.telegram.callbacks import BroadcastButton
from handlers.telegram.conversations import END, Conversation, current
from handlers.telegram.guards import message_of, organizer_only
from handlers.telegram.replies import services

log = logging.getLogger(__name__)

FLOW = "broadcast"
PREFIX = BroadcastButton.tag
AUDIENCE = BroadcastButton(Action.AUDIENCE, "").encode()  # + all | creators
DISTRICTS = BroadcastButton(Action.DISTRICTS).encode()
DISTRICT = BroadcastButton(Action.DISTRICT, "").encode()  # + district name
NOW = BroadcastButton(Action.NOW).encode()
CONFIRM = BroadcastButton(Action.CONFIRM).encode()
DISCARD = BroadcastButton(Action.DISCARD).encode()
STOP = BroadcastButton(Action.STOP, "").encode()  # + broadcast id
DISTRICT_COLUMNS = 3
MAX_PROBLEMS_SHOWN = 10
_DETECTED = frozenset(
    {
        MessageEntity.URL,
        MessageEntity.EMAIL,
        MessageEntity.MENTION,
        MessageEntity.HASHTAG,
        MessageEntity.CASHTAG,
        MessageEntity.BOT_COMMAND,
        MessageEntity.PHONE_NUMBER,
    }
)


class State(IntEnum):
    CONTENT = 1
    AUDIENCE = 2
    TIME = 3
    CONFIRM = 4


@dataclass
class Draft:
    """A broadcast being composed by one organizer (its flow's draft until confirmed)."""

    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    parts: list[Part] = field(default_factory=list)
    audience: str = AUDIENCE_ALL
    send_at: datetime | None = None

    def dump(self) -> dict[str, Any]:
        send_at = self.send_at.isoformat() if self.send_at is not None else None
        return {"key": self.key, "parts": self.parts, "audience": self.audience, "at": send_at}

    @classmethod
    def load(cls, data: dict[str, Any]) -> Draft:
        if "key" not in data:
            return cls()
        at = data.get("at")
        return cls(
            key=str(data["key"]),
            parts=list(data.get("parts") or []),
            audience=str(data.get("audience") or AUDIENCE_ALL),
            send_at=datetime.fromisoformat(at) if at else None,
        )


# --- the conversation ----------------------------------------------------------------------


@organizer_only
async def broadcast_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State:
    """Start composing a broadcast: take the text after the command, or ask for content."""
    _keep(context, Draft())
    message = message_of(update)
    if len((message.text or "").split(maxsplit=1)) > 1:
        return await _take_content(message, _command_text_parts(message), context)
    await message.reply_html(messages.BROADCAST_START)
    return State.CONTENT


@organizer_only
async def receive_content(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State:
    """Take the announcement, check its HTML, show it as recipients will see it."""
    message = message_of(update)
    return await _take_content(message, _parts_of(message), context)


async def _take_content(
    message: Message, content: tuple[list[Part], list[str]], context: ContextTypes.DEFAULT_TYPE
) -> State:
    parts, problems = content
    if problems:
        shown = "\n".join(f"• {escape(p)}" for p in problems[:MAX_PROBLEMS_SHOWN])
        await message.reply_html(messages.BROADCAST_BAD_HTML.format(problems=shown))
        return State.CONTENT
    if not parts:
        await message.reply_text(messages.BROADCAST_UNSUPPORTED)
        return State.CONTENT
    await message.reply_text(messages.BROADCAST_PREVIEW_HEADER)
    sender = TelegramSender(context.bot)
    for part in parts:
        try:
            await sender(message.chat_id, part)
        except DeliveryError as exc:
            reason = str(exc.__cause__ or exc)
            await message.reply_text(messages.BROADCAST_PREVIEW_FAILED.format(error=reason))
            return State.CONTENT
    draft = _draft(context)
    draft.parts = parts
    _keep(context, draft)
    await message.reply_text(messages.BROADCAST_CHOOSE_AUDIENCE, reply_markup=_audience_keyboard())
    return State.AUDIENCE


async def unsupported_content(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State:
    """Anything but text, a photo or a file cannot be broadcast."""
    await update.effective_message.reply_text(messages.BROADCAST_UNSUPPORTED)
    return State.CONTENT


@organizer_only
async def choose_audience(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State:
    """All subscribers, creators, or a district (which shows the districts first)."""
    query = update.callback_query
    press = BroadcastButton.parse(query.data)
    if press is None:
        await query.answer(messages.BUTTON_EXPIRED)
        return State.AUDIENCE
    await query.answer()
    if press.action == Action.DISTRICTS:
        districts = await asyncio.to_thread(services(context).subscriptions.districts)
        await query.edit_message_text(
            messages.BROADCAST_CHOOSE_DISTRICT, reply_markup=_district_keyboard(districts)
        )
        return State.AUDIENCE
    if press.action == Action.DISTRICT:
        audience = AUDIENCE_DISTRICT + (press.arg or "")
    else:
        audience = press.arg or AUDIENCE_ALL
    draft = _draft(context)
    draft.audience = audience
    _keep(context, draft)
    svc = services(context)
    await query.edit_message_text(
        messages.BROADCAST_CHOOSE_TIME.format(
            example=time_example(svc.clock()), tz=svc.settings.timezone
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        messages.BROADCAST_BUTTON_NOW, callback_data=_data(Action.NOW)
                    )
                ]
            ]
        ),
    )
    return State.TIME


@organizer_only
async def send_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State | int:
    """Send as soon as confirmed."""
    query = update.callback_query
    await query.answer()
    draft = _draft(context)
    draft.send_at = None
    _keep(context, draft)
    return await _show_confirmation(query.message, context, edit=True)


@organizer_only
async def receive_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> State | int:
    """Send at a typed moment (campaign time zone)."""
    message = message_of(update)
    now = services(context).clock()
    moment = parse_send_time(message.text or "", now)
    if moment is None:
        await message.reply_text(messages.BROADCAST_BAD_TIME.format(example=time_example(now)))
        return State.TIME
    draft = _draft(context)
    draft.send_at = moment
    _keep(context, draft)
    return await _show_confirmation(message, context, edit=False)


async def _show_confirmation(
    message: Message | Any, context: ContextTypes.DEFAULT_TYPE, *, edit: bool
) -> State:
    draft = _draft(context)
    recipients = await asyncio.to_thread(services(context).broadcasts.recipients, draft.audience)
    if not recipients:
        await message.reply_text(
            messages.BROADCAST_NO_RECIPIENTS, reply_markup=_audience_keyboard()
        )
        return State.AUDIENCE
    text = messages.BROADCAST_PREVIEW.format(
        audience=escape(audience_label(draft.audience)),
        count=len(recipients),
        when=_when(draft.send_at, context),
        parts=len(draft.parts),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    messages.BROADCAST_BUTTON_CONFIRM, callback_data=_data(Action.CONFIRM)
                ),
                InlineKeyboardButton(
                    messages.BROADCAST_BUTTON_CANCEL, callback_data=_data(Action.DISCARD)
                ),
            ]
        ]
    )
    if edit:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    else:
        await message.reply_html(text, reply_markup=keyboard)
    return State.CONFIRM


@organizer_only
async def confirm_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Write the broadcast to the outbox, post the progress message, wake the dispatcher.

    The draft is taken out of the store first: of two presses (on two processes, say) one
    finds it, and the outbox's dedupe key stops a second broadcast of it in any case."""
    query = update.callback_query
    svc = services(context)
    flow = current(context)
    taken = await asyncio.to_thread(svc.flows.end, flow.chat_id, flow.user_id, flow.name)
    if taken is None or "key" not in taken.draft:
        await query.answer(messages.BUTTON_EXPIRED)
        return END
    draft = Draft.load(taken.draft)
    await query.answer(messages.BROADCAST_QUEUED)
    info = await svc.broadcasts.queue(
        draft.key,
        draft.parts,
        draft.audience,
        by=update.effective_user.id,
        send_at=draft.send_at,
    )
    if info is None:
        await query.edit_message_reply_markup(None)
    else:
        # The "确认群发？" message now says what was decided; progress edits it from here on.
        await query.edit_message_text(
            _status_text(info, context.application),
            parse_mode=ParseMode.HTML,
            reply_markup=_stop_keyboard(info),
        )
        message = query.message
        await asyncio.to_thread(
            svc.broadcasts.show_progress_in, info.id, message.chat_id, message.message_id
        )
    return END


async def discard_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Drop the draft (button or /cancel)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(messages.BROADCAST_CANCELLED)
    else:
        await update.effective_message.reply_text(messages.BROADCAST_CANCELLED)
    return END


# --- after confirmation --------------------------------------------------------------------


@organizer_only
async def broadcasts_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List recent broadcasts with their figures; active ones get a stop button."""
    recent = await asyncio.to_thread(services(context).outbox.recent, 10)
    if not recent:
        await update.effective_message.reply_text(messages.BROADCASTS_NONE)
        return
    lines = [messages.BROADCASTS_HEADER]
    tz = services(context).settings.tz
    for info in recent:
        f = info.figures
        lines.append(
            messages.BROADCASTS_ITEM.format(
                id=info.id,
                when=info.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
                state=messages.BROADCAST_STATES.get(info.status, messages.BROADCAST_STATE_OTHER),
                audience=escape(
                    audience_label(info.audience)
                    or messages.KIND_LABELS.get(info.kind, messages.BROADCAST_STATE_OTHER)
                ),
                preview=escape(info.preview),
                sent=f.sent,
                total=f.total,
                failed=f.failed,
                blocked=f.blocked,
                ambiguous=f.ambiguous,
                remaining=f.remaining,
            )
        )
    buttons = [
        InlineKeyboardButton(f"⏹ #{info.id}", callback_data=_data(Action.STOP, str(info.id)))
        for info in recent
        if info.status in ACTIVE
    ]
    markup = InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])
    await update.effective_message.reply_html(
        "\n\n".join(lines), reply_markup=markup if buttons else None
    )


@organizer_only
async def stop_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Cancel what is not sent yet of a broadcast."""
    query = update.callback_query
    press = BroadcastButton.parse(query.data)
    if press is None or not (press.arg or "").isdecimal():
        await query.answer(messages.BUTTON_EXPIRED)
        return
    broadcast_id = int(press.arg or 0)
    svc = services(context)
    info = await asyncio.to_thread(svc.outbox.broadcast, broadcast_id)
    if info is None or info.status not in ACTIVE:
        await query.answer(messages.BROADCAST_NOT_ACTIVE)
        return
    count = await asyncio.to_thread(svc.outbox.cancel, broadcast_id)
    await query.answer(messages.BROADCAST_STOPPED.format(id=broadcast_id, count=count))
    await report_progress(context.application, [broadcast_id])


async def report_progress(application: Application, broadcast_ids: Collection[int]) -> None:
    """Edit each broadcast's progress message (the dispatcher calls this now and then)."""
    outbox = services_from(application.bot_data).outbox
    for broadcast_id in broadcast_ids:
        info = await asyncio.to_thread(outbox.broadcast, broadcast_id)
        if info is None or info.status_chat_id is None or info.status_message_id is None:
            continue
        try:
            await application.bot.edit_message_text(
                _status_text(info, application),
                chat_id=info.status_chat_id,
                message_id=info.status_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=_stop_keyboard(info),
            )
        except BadRequest as exc:
            if "not modified" not in exc.message:
                log.warning("could not update broadcast #%s progress: %s", broadcast_id, exc)
        except TelegramError as exc:
            log.warning("could not update broadcast #%s progress: %s", broadcast_id, exc)


# --- pieces ----------------------------------------------------------------------------------


def _parts_of(message: Message) -> tuple[list[Part], list[str]]:
    """The message as outbox parts, or the HTML problems that stop it."""
    if message.photo or message.document:
        caption, problems = _organizer_html(message.caption, message.caption_entities, message)
        if problems:
            return [], problems
        if message.photo:
            return media_parts("photo", message.photo[-1].file_id, caption), []
        return media_parts("document", message.document.file_id, caption), []
    if message.text:
        text, problems = _organizer_html(message.text, message.entities, message)
        return (text_parts(text) if text else []), problems
    return [], []


def _command_text_parts(message: Message) -> tuple[list[Part], list[str]]:
    """The text after `/broadcast` as outbox parts, or its HTML problems."""
    formatted = any(entity.type not in _DETECTED for entity in message.entities or ())
    source = message.text_html if formatted else message.text or ""
    text = source.split(maxsplit=1)[1].strip()
    return text_parts(text), ([] if formatted else check_html(text))


def _organizer_html(
    text: str | None, entities: Any, message: Message
) -> tuple[str | None, list[str]]:
    """Formatted messages become HTML; plain ones are read as HTML the organizer wrote.

    Links, hashtags and mentions that Telegram detects by itself do not count as formatting.
    """
    if not text:
        return None, []
    if any(entity.type not in _DETECTED for entity in entities or ()):
        return (message.caption_html if message.caption else message.text_html), []
    return text, check_html(text)


def _draft(context: ContextTypes.DEFAULT_TYPE) -> Draft:
    return Draft.load(current(context).draft)


def _keep(context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Make `draft` the flow's draft (written to the store after the step)."""
    current(context).draft = draft.dump()


def _when(moment: datetime | None, context: ContextTypes.DEFAULT_TYPE) -> str:
    if moment is None:
        return messages.BROADCAST_NOW
    return moment.astimezone(services(context).settings.tz).strftime("%Y-%m-%d %H:%M")


def _status_text(info: BroadcastInfo, application: Application) -> str:
    f = info.figures
    bar, percent = progress_bar(f)
    state = messages.BROADCAST_STATES.get(info.status, messages.BROADCAST_STATE_OTHER)
    tz = services_from(application.bot_data).settings.tz
    if info.send_at is not None and info.status == "queued":
        when = info.send_at.astimezone(tz).strftime("%m-%d %H:%M")
        state += messages.BROADCAST_SCHEDULED.format(when=when)
    decided = messages.BROADCAST_CONFIRMED.format(
        audience=escape(audience_label(info.audience) or messages.KIND_LABELS["broadcast"]),
        count=f.total,
        when=(
            info.send_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            if info.send_at is not None
            else messages.BROADCAST_NOW
        ),
    )
    return (
        decided
        + "\n"
        + messages.BROADCAST_STATUS.format(
            id=info.id,
            state=state,
            bar=bar,
            percent=percent,
            sent=f.sent,
            failed=f.failed,
            blocked=f.blocked,
            ambiguous=f.ambiguous,
            remaining=f.remaining,
        )
    )


def _stop_keyboard(info: BroadcastInfo) -> InlineKeyboardMarkup | None:
    if info.status not in ACTIVE:
        return None
    button = InlineKeyboardButton(
        messages.BROADCAST_BUTTON_STOP, callback_data=_data(Action.STOP, str(info.id))
    )
    return InlineKeyboardMarkup([[button]])


def _data(action: Action, arg: str | None = None) -> str:
    return BroadcastButton(action, arg).encode()


def _audience_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    messages.BROADCAST_BUTTON_ALL,
                    callback_data=_data(Action.AUDIENCE, AUDIENCE_ALL),
                ),
                InlineKeyboardButton(
                    messages.BROADCAST_BUTTON_CREATORS,
                    callback_data=_data(Action.AUDIENCE, AUDIENCE_CREATORS),
                ),
            ],
            [
                InlineKeyboardButton(
                    messages.BROADCAST_BUTTON_DISTRICT, callback_data=_data(Action.DISTRICTS)
                )
            ],
        ]
    )


def _district_keyboard(districts: list[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(name, callback_data=press.encode())
        for name in districts
        if (press := BroadcastButton(Action.DISTRICT, name)).fits()
    ]
    rows = [buttons[i : i + DISTRICT_COLUMNS] for i in range(0, len(buttons), DISTRICT_COLUMNS)]
    return InlineKeyboardMarkup(rows)


_CONTENT = filters.ChatType.PRIVATE & (
    (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL
)


def conversation() -> Conversation:
    """Composing a broadcast, step by step (its state in the store: `bot.flows`)."""
    return Conversation(
        FLOW,
        entry_points=[
            CommandHandler("broadcast", broadcast_command, filters=filters.ChatType.PRIVATE)
        ],
        states={
            State.CONTENT: [
                MessageHandler(_CONTENT, receive_content),
                MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, unsupported_content),
            ],
            State.AUDIENCE: [
                CallbackQueryHandler(
                    choose_audience,
                    pattern=BroadcastButton.matches(
                        Action.AUDIENCE, Action.DISTRICT, Action.DISTRICTS
                    ),
                )
            ],
            State.TIME: [
                CallbackQueryHandler(send_now, pattern=BroadcastButton.matches(Action.NOW)),
                MessageHandler(
                    filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, receive_time
                ),
            ],
            State.CONFIRM: [
                CallbackQueryHandler(
                    confirm_broadcast, pattern=BroadcastButton.matches(Action.CONFIRM)
                ),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", discard_broadcast),
            CallbackQueryHandler(
                discard_broadcast, pattern=BroadcastButton.matches(Action.DISCARD)
            ),
        ],
    )


def build_handlers() -> list[BaseHandler[Any, Any, Any]]:
    """/broadcasts and its stop buttons (the composing flow is `conversation()`)."""
    return [
        CommandHandler("broadcasts", broadcasts_command),
        CallbackQueryHandler(stop_broadcast, pattern=BroadcastButton.matches(Action.STOP)),
    ]
