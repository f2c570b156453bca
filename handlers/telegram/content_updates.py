"""Content updates from chat: a .yaml/.csv file → preview → apply on confirm; /event."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

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
from bot.flows import Flow
from bot.formatting import escape
from bot.organizers.content_updates import (
    EVENT_FIELDS,
    MAX_UPLOAD_BYTES,
    UPLOAD_SUFFIXES,
    describe_event,
)
from content.importer import SECTIONS, ImportFailed, ImportReport
from handlers.telegram.callbacks import ImportAction, ImportButton
from handlers.telegram.guards import message_of, organizer_only
from handlers.telegram.replies import services

UPLOADS = "pending_imports"
"""A flow row without steps: the organizer's previewed files, by key (their Telegram file id
and hash, not their bytes: applying downloads the file again, on whichever process)."""
PREFIX = ImportButton.tag
APPLY = ImportButton(ImportAction.APPLY, "").encode()  # + upload key
DISCARD = ImportButton(ImportAction.DISCARD, "").encode()  # + upload key
MAX_PROBLEMS_SHOWN = 15
MAX_PENDING = 5


@organizer_only
async def receive_content_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Validate an uploaded file as `kepubot import` would and preview what it changes."""
    message = message_of(update)
    document = message.document
    name = document.file_name or "upload.yaml"
    if (document.file_size or 0) > MAX_UPLOAD_BYTES:
        await message.reply_text(messages.IMPORT_TOO_LARGE.format(limit=MAX_UPLOAD_BYTES >> 20))
        return
    raw = bytes(await (await document.get_file()).download_as_bytearray())
    svc = services(context)
    try:
        preview = await asyncio.to_thread(svc.content.preview, raw, name)
    except ImportFailed as exc:
        shown = "\n".join(f"• {escape(p)}" for p in exc.problems[:MAX_PROBLEMS_SHOWN])
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            shown += f"\n… 另有 {len(exc.problems) - MAX_PROBLEMS_SHOWN} 个"
        await message.reply_html(
            messages.IMPORT_REJECTED.format(
                name=escape(name), count=len(exc.problems), problems=shown
            )
        )
        return
    if not preview.changed:
        await message.reply_text(messages.IMPORT_NOTHING.format(name=name))
        return
    key = uuid.uuid4().hex[:12]
    chat_id, user_id = message.chat_id, update.effective_user.id
    flow = await asyncio.to_thread(svc.flows.get, chat_id, user_id, UPLOADS)
    flow = flow or Flow(chat_id, user_id, UPLOADS, 0)
    pending = flow.draft
    pending[key] = {"name": name, "file_id": document.file_id, "sha256": _digest(raw)}
    while len(pending) > MAX_PENDING:
        pending.pop(next(iter(pending)))
    await asyncio.to_thread(svc.flows.save, flow)
    changes = "\n".join(f"• {escape(line)}" for line in _counts(preview.report))
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    messages.IMPORT_BUTTON_APPLY,
                    callback_data=ImportButton(ImportAction.APPLY, key).encode(),
                ),
                InlineKeyboardButton(
                    messages.IMPORT_BUTTON_DISCARD,
                    callback_data=ImportButton(ImportAction.DISCARD, key).encode(),
                ),
            ]
        ]
    )
    await message.reply_html(
        messages.IMPORT_PREVIEW.format(name=escape(name), changes=changes), reply_markup=keyboard
    )


@organizer_only
async def import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply or discard a previewed file."""
    query = update.callback_query
    press = ImportButton.parse(query.data)
    if press is None:
        await query.answer(messages.IMPORT_EXPIRED)
        return
    key = press.key
    svc = services(context)
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    flow = await asyncio.to_thread(svc.flows.end, chat_id, user_id, UPLOADS)
    upload = flow.draft.pop(key, None) if flow is not None else None
    if flow is not None and flow.draft:
        await asyncio.to_thread(svc.flows.save, flow)  # the other files previewed
    if upload is None:
        await query.answer(messages.IMPORT_EXPIRED)
        return
    await query.answer()
    if press.action == ImportAction.DISCARD:
        await query.edit_message_text(messages.IMPORT_DISCARDED)
        return
    name = upload["name"]
    raw = bytes(await (await context.bot.get_file(upload["file_id"])).download_as_bytearray())
    if _digest(raw) != upload["sha256"]:
        await query.edit_message_text(messages.IMPORT_EXPIRED)
        return
    try:
        report = await asyncio.to_thread(svc.content.apply, raw, name)
    except ImportFailed as exc:
        await query.edit_message_text("\n".join(exc.problems[:MAX_PROBLEMS_SHOWN]))
        return
    await query.edit_message_text(
        messages.IMPORT_APPLIED.format(summary="；".join(_counts(report)))
    )


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _counts(report: ImportReport) -> list[str]:
    """What an import adds and updates, one line per section, in the organizer's words."""
    return [
        messages.IMPORT_COUNTS.format(
            section=messages.IMPORT_SECTIONS.get(section, section),
            added=report.added.get(section, 0),
            updated=report.updated.get(section, 0),
            unchanged=report.unchanged.get(section, 0),
        )
        for section in SECTIONS
        if report.added.get(section)
        or report.updated.get(section)
        or report.unchanged.get(section)
    ]


@organizer_only
async def event_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/event ID` shows an event; `/event ID 字段=值` changes one field."""
    message = message_of(update)
    args = (message.text or "").split(maxsplit=2)[1:]
    svc = services(context)
    tz = svc.settings.tz
    if not args:
        await message.reply_html(messages.EVENT_USAGE.format(fields=", ".join(EVENT_FIELDS)))
        return
    if len(args) == 2 and "=" in args[1]:
        field_name, value = args[1].split("=", 1)
        try:
            await asyncio.to_thread(svc.content.edit_event, args[0], field_name.strip(), value)
        except KeyError:
            await message.reply_text(messages.EVENT_NOT_FOUND.format(query=args[0]))
            return
        except ImportFailed as exc:
            await message.reply_text("\n".join(exc.problems[:MAX_PROBLEMS_SHOWN]))
            return
        await message.reply_text(messages.EVENT_UPDATED)
        args = args[:1]
    query = " ".join(args)
    events = await asyncio.to_thread(svc.content.find_events, query)
    if not events:
        await message.reply_text(messages.EVENT_NOT_FOUND.format(query=query))
    elif len(events) == 1:
        await message.reply_html(f"<pre>{escape(describe_event(events[0], tz))}</pre>")
    else:
        items = "\n".join(f"<code>{escape(ev.id)}</code> {escape(ev.title)}" for ev in events)
        await message.reply_html(messages.EVENT_MATCHES.format(items=items))


_CONTENT_FILE = filters.ChatType.PRIVATE & filters.Document.FileExtension("yaml")
for _suffix in UPLOAD_SUFFIXES[1:]:
    _CONTENT_FILE = _CONTENT_FILE | (
        filters.ChatType.PRIVATE & filters.Document.FileExtension(_suffix.lstrip("."))
    )


def build_handlers() -> list[BaseHandler]:
    """This module's handlers, built for one Application."""
    return [
        MessageHandler(_CONTENT_FILE, receive_content_file),
        CallbackQueryHandler(import_button, pattern=ImportButton.matches()),
        CommandHandler("event", event_command),
    ]
